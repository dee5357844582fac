package io.weft.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Plain blocking peers on loopback for the proxy tests, one virtual thread per connection: an
 * echo server, a server that streams a known blob, and a socket helper. Each server closes its
 * connections when closed, so tests leak nothing.
 */
final class Peers {
    /** 1 MiB of seeded random bytes; blobs repeat it. */
    static final byte[] BLOCK = new byte[1 << 20];

    static {
        new Random(20261202).nextBytes(BLOCK);
    }

    private Peers() {
    }

    /** CRC32C of {@code mib} repetitions of {@link #BLOCK}. */
    static long blobCrc(int mib) {
        CRC32C c = new CRC32C();
        for (int i = 0; i < mib; i++) {
            c.update(BLOCK);
        }
        return c.getValue();
    }

    /** A blocking server; {@code handler} runs per connection on a virtual thread and the socket closes after it. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger accepted = new AtomicInteger();
        private final Thread acceptor;

        Server(int port, Consumer<Socket> handler) throws IOException {
            this(InetAddress.getLoopbackAddress(), port, handler);
        }

        Server(InetAddress bind, int port, Consumer<Socket> handler) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bind, port), 2048);
            acceptor = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        return;
                    }
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.accept(s);
                        } catch (IOException | RuntimeException ignored) {
                            // the peer left; nothing to do
                        } finally {
                            open.remove(s);
                        }
                    });
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(socket.getInetAddress(), port());
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Echoes until EOF, then half-closes. */
    static Server echo() throws IOException {
        return echo(InetAddress.getLoopbackAddress());
    }

    static Server echo(InetAddress bind) throws IOException {
        return new Server(bind, 0, s -> {
            try {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] b = new byte[65536];
                int n;
                while ((n = in.read(b)) > 0) {
                    out.write(b, 0, n);
                }
                s.shutdownOutput();
                drainQuietly(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Says {@code name + "\n"} and then echoes, on {@code port} (0: any). */
    static Server named(String name, int port) throws IOException {
        return new Server(port, s -> {
            try {
                s.getOutputStream().write((name + "\n").getBytes());
                InputStream in = s.getInputStream();
                byte[] b = new byte[4096];
                int n;
                while ((n = in.read(b)) > 0) {
                    s.getOutputStream().write(b, 0, n);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Sends {@code mib} MiB of {@link #BLOCK} repeated, then closes. */
    static Server blob(int mib) throws IOException {
        return new Server(0, s -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < mib; i++) {
                    out.write(BLOCK);
                }
                s.shutdownOutput();
                drainQuietly(s.getInputStream());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static void drainQuietly(InputStream in) {
        try {
            byte[] b = new byte[4096];
            while (in.read(b) >= 0) {
                // until the peer closes
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    /** Reads to EOF: the byte count and CRC32C. */
    static long[] readAll(InputStream in) throws IOException {
        CRC32C c = new CRC32C();
        byte[] b = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(b)) >= 0) {
            c.update(b, 0, n);
            total += n;
        }
        return new long[] {total, c.getValue()};
    }

    static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new java.io.EOFException("wanted " + n + " bytes, got " + b.length);
        }
        return b;
    }

    static Socket connect(InetSocketAddress a) throws IOException {
        Socket s = new Socket();
        s.connect(a, 5000);
        s.setSoTimeout(20_000);
        return s;
    }
}
