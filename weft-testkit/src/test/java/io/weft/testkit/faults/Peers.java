package io.weft.testkit.faults;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

/** The Weft protocols the fault tests run through a {@link FaultProxy}. Loop thread only. */
final class Peers {
    private Peers() {
    }

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends back what it receives; closes at EOF. */
    static final class Echo implements Protocol {
        private Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }
    }

    /** Keeps what arrives, counts flow-control calls, and settles {@link #lost} at the end. */
    static class Client implements Protocol {
        final Promise<Throwable> lost;
        final Promise<Void> made;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Transport t;
        int pauses;
        int resumes;
        boolean paused;

        Client(EventLoop loop) {
            lost = loop.newPromise();
            made = loop.newPromise();
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            made.complete(null);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.writeBytes(b);
            onData();
        }

        /** After bytes arrived. */
        void onData() {
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.complete(cause);
        }

        @Override
        public void pauseWriting() {
            pauses++;
            paused = true;
        }

        @Override
        public void resumeWriting() {
            resumes++;
            paused = false;
            onResume();
        }

        /** After resumeWriting. */
        void onResume() {
        }
    }
}
