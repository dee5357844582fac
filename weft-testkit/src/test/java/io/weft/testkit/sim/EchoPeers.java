package io.weft.testkit.sim;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** An echo server and a client that sends a payload and collects what comes back, for the simulation tests. */
final class EchoPeers {
    private EchoPeers() {
    }

    /** Echoes, pausing its reading while the peer does not take the echo (flow control). */
    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }

    /** Writes {@code payload}, half-closes, and completes {@link #done} with every byte echoed back at EOF. */
    static final class Client implements Protocol {
        final byte[] payload;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        Promise<byte[]> done;

        Client(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void connectionMade(Transport t) {
            done = t.loop().newPromise();
            t.write(ByteBuffer.wrap(payload));
            t.writeEof();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            got.writeBytes(b);
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause == null) {
                done.complete(got.toByteArray());
            } else {
                done.fail(cause);
            }
        }
    }

    static byte[] payload(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + salt);
        }
        return b;
    }

    static Server listen(EventLoop loop, SimHost host, int port) {
        return loop.runUntilComplete(Net.createServer(loop, Echo::new, host.address(port), ServerOptions.defaults()));
    }

    static Promise<Client> connect(EventLoop loop, String host, int port, byte[] payload) {
        return Net.createConnection(loop, () -> new Client(payload), host, port, ConnectOptions.defaults());
    }
}
