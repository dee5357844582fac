// ProxyLoad: the load side of run-proxy.sh, one file run with the JDK's source launcher
// (java ProxyLoad.java ...). Plain blocking sockets on loopback, so that the generator is the
// same for every proxy measured.
//
//   servers SINK_PORT ECHO_PORT           a sink (reads to EOF, then answers one byte) and an
//                                         echo server, until killed
//   bulk PORT MIB                         one connection: writes MIB MiB, half-closes, waits for
//                                         the sink's byte; prints "bulk BYTES SECONDS GB/s"
//   pingpong PORT CONNS SECONDS SIZE      CONNS connections each sending SIZE bytes and waiting
//                                         for the echo, for SECONDS; prints
//                                         "pingpong ROUND_TRIPS SECONDS rt/s p50_us p99_us"
import java.io.*;
import java.net.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class ProxyLoad {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "servers" -> servers(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "bulk" -> bulk(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "pingpong" -> pingpong(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Double.parseDouble(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        return s;
    }

    static void serve(ServerSocket ss, boolean echo) {
        Thread.ofPlatform().start(() -> {
            while (true) {
                try {
                    Socket s = ss.accept();
                    s.setTcpNoDelay(true);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            InputStream in = s.getInputStream();
                            OutputStream out = s.getOutputStream();
                            byte[] b = new byte[echo ? 4096 : 1 << 20];
                            int n;
                            while ((n = in.read(b)) > 0) {
                                if (echo) {
                                    out.write(b, 0, n);
                                }
                            }
                            if (!echo) {
                                out.write(1);
                            }
                        } catch (IOException ignored) {
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    static void servers(int sink, int echo) throws Exception {
        serve(listen(sink), false);
        serve(listen(echo), true);
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static void bulk(int port, int mib) throws Exception {
        byte[] block = new byte[1 << 20];
        new Random(1).nextBytes(block);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            long t0 = System.nanoTime();
            for (int i = 0; i < mib; i++) {
                out.write(block);
            }
            s.shutdownOutput();
            if (s.getInputStream().read() != 1) {
                throw new IOException("the sink did not confirm");
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            long bytes = (long) mib << 20;
            System.out.printf(Locale.ROOT, "bulk %d %.4f %.3f%n", bytes, sec, bytes / sec / 1e9);
        }
    }

    static void pingpong(int port, int conns, double seconds, int size) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setTcpNoDelay(true);
            sockets.add(s);
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicLong total = new AtomicLong();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Socket s : sockets) {
                pool.submit(() -> {
                    long[] lat = new long[1 << 16];
                    int k = 0;
                    byte[] msg = new byte[size];
                    byte[] back = new byte[size];
                    try {
                        OutputStream out = s.getOutputStream();
                        InputStream in = s.getInputStream();
                        while (System.nanoTime() < end) {
                            long a = System.nanoTime();
                            out.write(msg);
                            int got = 0;
                            while (got < size) {
                                int n = in.read(back, got, size - got);
                                if (n < 0) {
                                    throw new EOFException();
                                }
                                got += n;
                            }
                            if (k < lat.length) {
                                lat[k++] = System.nanoTime() - a;
                            }
                            total.incrementAndGet();
                        }
                    } catch (IOException e) {
                        System.err.println("pingpong: " + e);
                    }
                    samples.add(Arrays.copyOf(lat, k));
                    return null;
                });
            }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        for (Socket s : sockets) {
            s.close();
        }
        long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf(Locale.ROOT, "pingpong %d %.3f %.0f %.1f %.1f%n", total.get(), sec, total.get() / sec,
                all[all.length / 2] / 1e3, all[(int) (all.length * 0.99)] / 1e3);
    }
}
