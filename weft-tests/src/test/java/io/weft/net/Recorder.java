package io.weft.net;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A protocol for tests that keeps what happened: the bytes received, whether EOF came, how
 * often writing was paused and resumed, and promises to wait on. Subclass and override (calling
 * {@code super}) to act on events.
 */
class Recorder implements Protocol {
    final Promise<Transport> made;
    final Promise<Void> eof;
    final Promise<Throwable> lost;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    /** What eofReceived returns: true keeps the write side open. */
    boolean keepOpenOnEof;
    int pauses;
    int resumes;
    int dataCalls;
    Transport t;

    Recorder(EventLoop loop) {
        made = loop.newPromise();
        eof = loop.newPromise();
        lost = loop.newPromise();
    }

    @Override
    public void connectionMade(Transport transport) {
        t = transport;
        made.complete(transport);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        dataCalls++;
        byte[] b = new byte[data.remaining()];
        data.get(b);
        received.writeBytes(b);
    }

    @Override
    public boolean eofReceived() {
        eof.complete(null);
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost.complete(cause);
    }

    @Override
    public void pauseWriting() {
        pauses++;
    }

    @Override
    public void resumeWriting() {
        resumes++;
    }

    byte[] bytes() {
        return received.toByteArray();
    }

    int size() {
        return received.size();
    }
}
