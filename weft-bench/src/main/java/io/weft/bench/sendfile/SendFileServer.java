package io.weft.bench.sendfile;

import io.weft.file.AsyncFile;
import io.weft.internal.file.FileToTransport;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code SendFileServer PORT FILE [epoll|nio|io_uring] [zero|copy]}: on one loop, answers each connection's
 * request (read up to the blank line, whatever it asks) with {@code HTTP/1.0 200 OK}, a
 * Content-Length and the whole file through {@link Transport#sendFile} ({@code zero}: the
 * transport's own path, zero copy on every backend: sendfile(2) on epoll,
 * transferTo on NIO, splice rounds through a pipe on io_uring) or the copy loop ({@code copy}: AsyncFile
 * reads written to the transport), then closes. The same exchange as the C peer
 * ({@code src/main/c/sendfile_server.c}). Runs until killed.
 */
public final class SendFileServer {
    private SendFileServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SendFileServer PORT FILE [epoll|nio|io_uring] [zero|copy]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path file = Path.of(args[1]);
        PollerKind poller = args.length > 2 ? PollerKind.parse(args[2]) : PollerKind.EPOLL;
        boolean copy = args.length > 3 && args[3].equals("copy");
        EventLoop loop = EventLoop.create(LoopConfig.builder().poller(poller).build());
        AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, file));
        long size = loop.runUntilComplete(f.size());
        byte[] head = ("HTTP/1.0 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        loop.runUntilComplete(Net.createServer(loop, () -> new OneFile(f, size, head, copy),
                new InetSocketAddress("127.0.0.1", port), ServerOptions.defaults()));
        System.out.println("listening on 127.0.0.1:" + port + " (" + poller + ", " + (copy ? "copy loop" : "sendFile") + ")");
        loop.runForever();
    }

    /** One connection: a request, then the file, then close. */
    private static final class OneFile implements Protocol {
        private final AsyncFile file;
        private final long size;
        private final byte[] head;
        private final boolean copy;
        private Transport transport;
        private int matched;
        private boolean answered;

        OneFile(AsyncFile file, long size, byte[] head, boolean copy) {
            this.file = file;
            this.size = size;
            this.head = head;
            this.copy = copy;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining() && !answered) {
                byte b = data.get();
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    answered = true;
                    transport.pauseReading();
                    transport.write(head);
                    (copy ? FileToTransport.start(transport, file, 0, size) : transport.sendFile(file, 0, size))
                            .whenComplete((n, e) -> {
                                if (e != null) {
                                    transport.abort();
                                } else {
                                    transport.close();
                                }
                            });
                }
            }
            data.position(data.limit());
        }

        @Override
        public boolean eofReceived() {
            return true;
        }

        @Override
        public void connectionLost(Throwable cause) {
        }
    }
}
