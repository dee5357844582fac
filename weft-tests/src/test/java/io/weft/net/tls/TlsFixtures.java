package io.weft.net.tls;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.TlsContexts;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLContext;

/** Certificates, protocols and counters shared by the TLS tests. */
final class TlsFixtures {
    private TlsFixtures() {
    }

    /** Made once per test JVM: keytool takes a second or more. */
    private static final class Certs {
        static final SelfSignedCertificate SERVER = make("localhost", "127.0.0.1");
        static final SelfSignedCertificate CLIENT = make("weft-test-client");
        static final SelfSignedCertificate OTHER = make("localhost", "127.0.0.1");

        private static SelfSignedCertificate make(String... names) {
            try {
                return SelfSignedCertificate.create(names);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static boolean warm;

    /**
     * Makes the certificates and runs a TLS 1.2 and a TLS 1.3 exchange once per JVM, so that
     * descriptors the platform opens lazily and keeps (keytool's, the JDK's random sources, a
     * Unix socket opened on the first TLS 1.2 handshake) exist before any test counts them.
     */
    static synchronized void warmUp() {
        if (warm) {
            return;
        }
        warm = true;
        serverCert();
        clientCert();
        otherCert();
        try (EventLoop loop = EventLoop.create()) {
            for (String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
                io.weft.net.Server s = loop.runUntilComplete(io.weft.net.Net.createServer(loop, Echo::new,
                        new java.net.InetSocketAddress("127.0.0.1", 0),
                        io.weft.net.ServerOptions.builder().tls(server().build()).build()));
                int port = ((java.net.InetSocketAddress) s.addresses().get(0)).getPort();
                loop.runUntilComplete(io.weft.net.Net.createConnection(loop, () -> new Pump(loop, 1000), "127.0.0.1",
                        port, io.weft.net.ConnectOptions.builder().tls(client().protocols(version).build()).build())
                        .flatMap(p -> p.done));
                loop.runUntilComplete(s.shutdown(java.time.Duration.ofSeconds(5)));
            }
        }
    }

    /** The server's certificate: names localhost and 127.0.0.1. */
    static SelfSignedCertificate serverCert() {
        return Certs.SERVER;
    }

    /** A client certificate, for client authentication. */
    static SelfSignedCertificate clientCert() {
        return Certs.CLIENT;
    }

    /** Another certificate for the same names that nobody trusts. */
    static SelfSignedCertificate otherCert() {
        return Certs.OTHER;
    }

    static TlsOptions.Builder server() {
        return TlsOptions.builder(serverCert().serverContext());
    }

    /** Trusts the server's certificate; hostname verification on. */
    static TlsOptions.Builder client() {
        return TlsOptions.builder(serverCert().clientContext());
    }

    /** Server context that presents the server certificate and trusts the client certificate. */
    static SSLContext mutualServerContext() {
        return TlsContexts.of(serverCert().privateKey(), List.of(serverCert().certificate()),
                List.of(clientCert().certificate()));
    }

    /** Client context that presents the client certificate and trusts the server certificate. */
    static SSLContext mutualClientContext() {
        return TlsContexts.of(clientCert().privateKey(), List.of(clientCert().certificate()),
                List.of(serverCert().certificate()));
    }

    /** The byte at {@code position} of a test stream: no short period, so misplaced chunks show. */
    static byte patternAt(long position) {
        long x = position * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        return (byte) (x >>> 40);
    }

    static void fillPattern(ByteBuffer b, long from, int n) {
        for (int i = 0; i < n; i++) {
            b.put(patternAt(from + i));
        }
    }

    /** Echoes, pausing reading while its output is paused. */
    static class Echo implements Protocol {
        Transport t;
        int made;
        int eofs;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            made++;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }

        @Override
        public boolean eofReceived() {
            eofs++;
            return false;
        }

        @Override
        public void pauseWriting() {
            t.pauseReading();
        }

        @Override
        public void resumeWriting() {
            t.resumeReading();
        }
    }

    /**
     * Streams {@code total} pattern bytes, checks every byte echoed back, then closes. Its
     * promise completes with the count once the connection is closed cleanly, or fails.
     */
    static class Pump implements Protocol {
        final long total;
        final Promise<Long> done;
        final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        Transport t;
        long sent;
        long received;
        boolean paused;
        String mismatch;

        Pump(EventLoop loop, long total) {
            this.total = total;
            this.done = loop.newPromise();
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            pump();
            if (total == 0) {
                t.close(); // nothing to wait for
            }
        }

        private void pump() {
            while (sent < total && !paused && !t.isClosing()) {
                int n = (int) Math.min(chunk.capacity(), total - sent);
                chunk.clear();
                fillPattern(chunk, sent, n);
                chunk.flip();
                sent += n;
                t.write(chunk);
            }
        }

        @Override
        public void pauseWriting() {
            paused = true;
        }

        @Override
        public void resumeWriting() {
            paused = false;
            pump();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                byte b = data.get();
                if (mismatch == null && b != patternAt(received)) {
                    mismatch = "byte " + received + " differs";
                }
                received++;
            }
            if (received >= total) {
                t.close();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause != null) {
                done.fail(cause);
            } else if (mismatch != null) {
                done.fail(new AssertionError(mismatch));
            } else {
                done.complete(received);
            }
        }
    }

    /**
     * Writes {@code greeting} when connected, records what happens as text ("made", "data:..",
     * "eof", "lost:null" or "lost:ExceptionType: message"), and completes {@link #lost} last.
     * Subclasses react by overriding {@link #onData} and {@link #onEof}.
     */
    static class Recorder implements Protocol {
        final List<String> events = new java.util.ArrayList<>();
        final Promise<List<String>> lost;
        final String greeting;
        Transport t;
        Throwable cause;

        Recorder(EventLoop loop, String greeting) {
            this.lost = loop.newPromise();
            this.greeting = greeting;
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            events.add("made");
            if (greeting != null) {
                t.write(greeting.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            String text = new String(b, java.nio.charset.StandardCharsets.US_ASCII);
            events.add("data:" + text);
            onData(text);
        }

        void onData(String text) {
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return onEof();
        }

        boolean onEof() {
            return false;
        }

        @Override
        public void connectionLost(Throwable cause) {
            this.cause = cause;
            events.add("lost:" + (cause == null ? "null" : cause.getClass().getSimpleName()));
            lost.complete(events);
        }
    }
}
