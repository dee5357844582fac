import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;

/** run-pool.sh's client: N sequential GETs on one kept-alive client connection through an HTTP proxy (or direct): req/s. */
public class PoolLoad {
    public static void main(String[] a) throws Exception {
        int proxyPort = Integer.parseInt(a[0]); // 0: direct
        int originPort = Integer.parseInt(a[1]);
        int n = Integer.parseInt(a[2]);
        String target = proxyPort == 0 ? "/small.bin" : "http://127.0.0.1:" + originPort + "/small.bin";
        byte[] req = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + originPort + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", proxyPort == 0 ? originPort : proxyPort)) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < n / 10; i++) { one(in, out, req); } // warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) { one(in, out, req); }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%.0f%n", n / secs);
        }
    }

    static void one(InputStream in, OutputStream out, byte[] req) throws IOException {
        out.write(req);
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) break;
        }
        String h = head.toString().toLowerCase();
        if (!h.startsWith("http/1.1 200")) throw new IOException("status: " + h);
        int at = h.indexOf("content-length: ") + 16;
        int len = Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)).trim());
        in.readNBytes(len);
    }
}
