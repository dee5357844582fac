package io.weft.testkit;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * A reader callback for {@link PollerContract}: each call reads what is there, keeps it as
 * text, and counts itself; a test waits for the text it expects, or for end of stream.
 * Loop thread only.
 */
final class TextReader implements Runnable {
    private final SocketChannel channel;
    private final StringBuilder text = new StringBuilder();
    private Runnable check = () -> { };
    int calls;
    boolean endOfStream;

    TextReader(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void run() {
        calls++;
        ByteBuffer b = ByteBuffer.allocate(1024);
        int n;
        try {
            n = channel.read(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n < 0) {
            endOfStream = true;
        } else {
            text.append(new String(b.array(), 0, n, StandardCharsets.US_ASCII));
        }
        check.run();
    }

    /** Completes once everything read so far equals {@code expected}. */
    Promise<String> until(EventLoop loop, String expected) {
        return when(loop, () -> text.toString().equals(expected));
    }

    /** Completes once read() has returned -1. */
    Promise<String> untilEndOfStream(EventLoop loop) {
        return when(loop, () -> endOfStream);
    }

    private Promise<String> when(EventLoop loop, BooleanSupplier condition) {
        Promise<String> p = loop.newPromise();
        check = () -> {
            if (condition.getAsBoolean()) {
                p.complete(text.toString());
            }
        };
        check.run();
        return p;
    }

    @Override
    public String toString() {
        return "TextReader[" + channel + "]";
    }
}
