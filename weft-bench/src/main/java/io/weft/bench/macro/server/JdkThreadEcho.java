package io.weft.bench.macro.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;

/**
 * The JDK's thread-per-connection echo with blocking {@code java.net} sockets: a platform thread
 * per connection, or a virtual thread per connection on the JDK's default scheduler. Each
 * connection reads into its own 16 KiB array (one 16 KiB message per read) and writes it back;
 * a blocking write is its flow control.
 */
final class JdkThreadEcho implements EchoServer {
    private static final int BUFFER = 16 * 1024;

    private final boolean virtual;

    JdkThreadEcho(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public int start() throws IOException {
        ServerSocket listener = new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1"));
        ThreadFactory threads = virtual ? Thread.ofVirtual().name("echo-", 0).factory()
                : Thread.ofPlatform().name("echo-", 0).daemon().factory();
        Thread acceptor = new Thread(() -> accept(listener, threads), "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener.getLocalPort();
    }

    private static void accept(ServerSocket listener, ThreadFactory threads) {
        while (true) {
            try {
                Socket s = listener.accept();
                s.setTcpNoDelay(true);
                threads.newThread(() -> serve(s)).start();
            } catch (IOException e) {
                // A failed accept (e.g. out of descriptors) must not end the server; try again.
                Thread.onSpinWait();
            }
        }
    }

    private static void serve(Socket s) {
        byte[] buf = new byte[BUFFER];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // Reset by the client at the end of a run: nothing to do.
        }
    }
}
