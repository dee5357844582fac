package io.weft.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/** A one-request-per-connection HTTP/1.1 origin for the proxy tests, and a raw response reader. */
final class HttpPeers {
    private HttpPeers() {
    }

    record Response(String head, byte[] body) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Reads a head up to CRLF CRLF; null at EOF before any byte. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        if (b.size() == 0) {
            return null;
        }
        throw new java.io.EOFException("EOF inside a head: " + b.toString(StandardCharsets.ISO_8859_1));
    }

    static Response readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return null;
        }
        Response r = new Response(head, new byte[0]);
        String te = r.header("Transfer-Encoding");
        String cl = r.header("Content-Length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String line = readLine(in);
                int size = Integer.parseInt(line.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(Peers.readN(in, size));
                readLine(in);
            }
            return new Response(head, body.toByteArray());
        }
        if (cl != null) {
            return new Response(head, Peers.readN(in, Integer.parseInt(cl)));
        }
        if (r.status() == 204 || r.status() == 304 || r.status() / 100 == 1) {
            return r;
        }
        return new Response(head, in.readAllBytes());
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    /** The origin: answers by path; records every request head it saw. */
    static final class Origin implements AutoCloseable {
        final List<String> heads = new CopyOnWriteArrayList<>();
        final Peers.Server server;

        Origin() throws IOException {
            server = new Peers.Server(0, s -> {
                try {
                    serve(s.getInputStream(), s.getOutputStream());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        private void serve(InputStream in, OutputStream out) throws IOException {
            String head = readHead(in);
            if (head == null) {
                return;
            }
            heads.add(head);
            Response req = new Response("HTTP/1.1 000 \r\n" + head.substring(head.indexOf("\r\n") + 2), new byte[0]);
            byte[] body = new byte[0];
            if (req.header("Content-Length") != null) {
                body = Peers.readN(in, Integer.parseInt(req.header("Content-Length")));
            } else if (req.header("Transfer-Encoding") != null) {
                body = readResponse(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(
                        "HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes()), in)).body();
            }
            String path = head.split(" ")[1];
            String response = switch (path) {
                case "/hello" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive, X-Private\r\n"
                        + "Keep-Alive: timeout=5\r\nX-Private: hop\r\nX-Up: yes\r\n\r\nhello";
                case "/chunked" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nchunk\r\n3;ext=1\r\ned!\r\n0\r\n\r\n";
                case "/until-close" -> "HTTP/1.1 200 OK\r\n\r\nto the end";
                case "/echo" -> "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"
                        + new String(body, StandardCharsets.ISO_8859_1);
                case "/continue" -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
                default -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
            };
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * A keep-alive origin: answers every request of a connection by path, until the client
     * closes; counts its connections and which one each request came on.
     * <ul>
     *   <li>{@code /ka}: 200 with "ok" and a length;</li>
     *   <li>{@code /bye}: 200 with {@code Connection: close}, then closes;</li>
     *   <li>{@code /big}: 200 with {@link #BIG} bytes announced, more than loopback's socket buffers
     *       can hold between here and a client that stops reading;</li>
     *   <li>{@code /upgrade}: 101 with the request's Upgrade, then echoes raw bytes till EOF;</li>
     *   <li>{@code /unasked}: 101 whatever was asked;</li>
     *   <li>{@code /echo}: the request body back;</li>
     *   <li>{@code /extra}: "ok", then a second, unasked response ("forged") on the same connection;</li>
     *   <li>{@code /named-length}: "ok" with {@code Connection: Content-Length, Transfer-Encoding}.</li>
     * </ul>
     * With {@link #hangUpAfterFirst} set, a connection that already answered once closes
     * without a word when the next request arrives (an origin closing a kept-alive connection
     * at the moment the proxy reuses it).
     */
    static final class KeepAliveOrigin implements AutoCloseable {
        /**
         * The size of {@code /big}. Not 4 MiB: with Linux's autotuning (tcp_rmem up to 32 MiB,
         * tcp_wmem up to 4 MiB here) a 4 MiB response could pass whole into the proxy's send
         * buffer toward a client that had stopped reading, so the proxy had rightly finished
         * it, and pooled its connection, before the client left (3 runs in 40).
         */
        static final int BIG = 64 << 20;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<Integer> connectionOf = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger closedByPeer = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean hangUpAfterFirst;
        private final java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        final Peers.Server server;

        KeepAliveOrigin() throws IOException {
            server = new Peers.Server(0, s -> {
                try {
                    serve(s, s.getInputStream(), s.getOutputStream());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        private void serve(java.net.Socket s, InputStream in, OutputStream out) throws IOException {
            int connection = ids.incrementAndGet();
            for (int n = 0; ; n++) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                if (n > 0 && hangUpAfterFirst) {
                    return;
                }
                heads.add(head);
                connectionOf.add(connection);
                Response req = new Response("HTTP/1.1 000 \r\n" + head.substring(head.indexOf("\r\n") + 2), new byte[0]);
                byte[] body = req.header("Content-Length") == null ? new byte[0]
                        : Peers.readN(in, Integer.parseInt(req.header("Content-Length")));
                String path = head.split(" ")[1];
                switch (path) {
                    case "/named-length" -> out.write(("HTTP/1.1 200 OK\r\nConnection: Content-Length, Transfer-Encoding\r\n"
                            + "Content-Length: 2\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1));
                    case "/extra" -> out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged").getBytes(StandardCharsets.ISO_8859_1));
                    case "/ka" -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    case "/bye" -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye".getBytes(StandardCharsets.ISO_8859_1));
                        return;
                    }
                    case "/big" -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        for (int i = 0; i < BIG / Peers.BLOCK.length; i++) {
                            out.write(Peers.BLOCK);
                        }
                    }
                    case "/upgrade", "/unasked" -> {
                        String proto = req.header("Upgrade") == null ? "echo" : req.header("Upgrade");
                        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + proto + "\r\nConnection: Upgrade\r\n\r\nhi")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        byte[] b = new byte[4096];
                        for (int r; (r = in.read(b)) > 0; ) {
                            out.write(b, 0, r);
                            out.flush();
                        }
                        s.shutdownOutput();
                        return;
                    }
                    case "/echo" -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(body);
                    }
                    default -> out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            }
        }

        int port() {
            return server.port();
        }

        int connections() {
            return server.accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
