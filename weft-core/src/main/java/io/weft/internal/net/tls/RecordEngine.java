package io.weft.internal.net.tls;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The wrap and unwrap loops around one {@link SSLEngine}: ciphertext in, plaintext out and the
 * other way, doing in between whatever the engine asks for (delegated tasks, handshake
 * messages to send). A handshake at any time goes through the same loops: the first one, a
 * TLS 1.2 renegotiation, a TLS 1.3 KeyUpdate, post-handshake messages such as
 * NewSessionTicket. What to do with the results is the {@link Events}' business.
 *
 * <p>Records are batched, {@value #RECORDS_PER_BATCH} at most, into one raw write and into one
 * delivery of plaintext: fewer system calls and upcalls for bulk data. The batch buffers are
 * the loop's {@link Scratch}. Loop thread (and its green threads) only.
 */
final class RecordEngine {
    static final int RECORDS_PER_BATCH = 4;
    /** A TLS record's first byte for a handshake message (RFC 5246 6.2.1, ContentType). */
    static final byte CONTENT_TYPE_HANDSHAKE = 22;
    /** Never written to: the engine reads nothing from it. */
    static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

    /** Where the loops' results go. */
    interface Events {
        /** Ciphertext to send, lent for the call. */
        void send(ByteBuffer ciphertext);

        /** Plaintext received, lent for the call. */
        void deliver(ByteBuffer plaintext);

        /** Whether to decrypt more now (not while the application pauses reading, say). */
        boolean wantsInput();

        /** Whether the connection is gone: stop doing what the engine asks. */
        boolean gone();

        /**
         * The next record the engine reads is a handshake record (TLS 1.2 and earlier show the
         * content type in the clear; TLS 1.3 hides it behind application_data). Called before
         * the engine sees it.
         */
        void handshakeRecordNext();

        /** A handshake finished: the first, or a later one. */
        void handshakeFinished() throws SSLException;

        /** The peer's close_notify arrived; {@code hs} is what the engine wants next. */
        void closeNotifyReceived(HandshakeStatus hs) throws SSLException;
    }

    private final SSLEngine engine;
    private final Events events;
    private final Scratch scratch;
    private final ByteBuffer[] one = new ByteBuffer[1];
    /** Plaintext bytes the last {@link #wrap} took. */
    private long consumed;

    RecordEngine(SSLEngine engine, Events events, Scratch scratch) {
        this.engine = engine;
        this.events = events;
        this.scratch = scratch;
    }

    SSLEngine engine() {
        return engine;
    }

    long consumed() {
        return consumed;
    }

    /** Starts a handshake: the first, or on an open connection a KeyUpdate (1.3) or renegotiation (1.2). */
    void beginHandshake() throws SSLException {
        engine.beginHandshake();
        advance(engine.getHandshakeStatus());
    }

    /** Sends close_notify: nothing more will be written. */
    void closeOutbound() throws SSLException {
        engine.closeOutbound();
        wrap(NOTHING, 0, 1);
    }

    /** After a failure: sends the alert the engine has queued, if any, so the peer learns why. */
    void flushAlert() throws SSLException {
        engine.closeOutbound();
        if (engine.getHandshakeStatus() == NEED_WRAP) {
            wrap(NOTHING, 0, 1);
        }
    }

    /** Does what the engine asks for until it waits for the peer or is idle. */
    void advance(HandshakeStatus hs) throws SSLException {
        while (!events.gone()) {
            switch (hs) {
                case NEED_TASK -> {
                    runTasks();
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    HandshakeStatus next = wrap(NOTHING, 0, 1);
                    if (next == NEED_WRAP && engine.isOutboundDone()) {
                        return; // nothing more can be sent; do not spin
                    }
                    hs = next;
                }
                case FINISHED -> {
                    events.handshakeFinished();
                    hs = engine.getHandshakeStatus();
                    if (hs == FINISHED) {
                        return;
                    }
                }
                default -> {
                    return; // NEED_UNWRAP(_AGAIN): waits for the peer; NOT_HANDSHAKING: idle
                }
            }
        }
    }

    /**
     * Runs the engine's delegated tasks inline, on the loop. They are short: key derivation and
     * checking a certificate chain, well under a millisecond to a few milliseconds for TLS 1.3
     * (no revocation checks unless the SSLContext enables them, which would block on the
     * network: do not). Handing them to another thread would cost more than it saves here.
     */
    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** {@link #wrap(ByteBuffer[], int, int)} of one buffer. */
    HandshakeStatus wrap(ByteBuffer src) throws SSLException {
        one[0] = src;
        try {
            return wrap(one, 0, 1);
        } finally {
            one[0] = null;
        }
    }

    /**
     * Encrypts from {@code srcs} (may be {@link #NOTHING}: handshake or close messages only) and
     * sends the records. Stops when the source is empty and the engine has nothing more to send,
     * or when it needs a task, waits for the peer without taking data, or finished a handshake.
     * Sets {@link #consumed()}; returns the last handshake status, for {@link #advance}.
     */
    HandshakeStatus wrap(ByteBuffer[] srcs, int offset, int length) throws SSLException {
        consumed = 0;
        int packet = engine.getSession().getPacketBufferSize();
        ByteBuffer out = scratch.takeCipher(packet * RECORDS_PER_BATCH);
        try {
            while (true) {
                SSLEngineResult r = engine.wrap(srcs, offset, length, out);
                consumed += r.bytesConsumed();
                HandshakeStatus hs = r.getHandshakeStatus();
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        if (out.position() > 0) {
                            send(out);
                        } else {
                            out = scratch.grow(out, engine.getSession().getPacketBufferSize());
                        }
                        continue;
                    }
                    case CLOSED -> {
                        return hs; // outbound done: the close_notify, if any, is in `out`
                    }
                    default -> {
                    }
                }
                // NEED_UNWRAP with data taken: a TLS 1.2 renegotiation waits for the peer, and the
                // engine still accepts application data meanwhile.
                boolean more = hs == NEED_WRAP
                        || (hs == NOT_HANDSHAKING || hs == NEED_UNWRAP) && hasRemaining(srcs, offset, length);
                if (!more || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    return hs;
                }
                if (out.remaining() < packet) {
                    send(out);
                }
            }
        } finally {
            // Sent even when the engine threw: what it made is likely the alert telling the peer why.
            send(out);
            scratch.give(out);
        }
    }

    private void send(ByteBuffer out) {
        if (out.position() == 0) {
            return;
        }
        out.flip();
        events.send(out);
        out.clear();
    }

    /**
     * Decrypts ciphertext that just arrived in the lent buffer {@code data}, starting with what
     * {@code stash} kept from before, until no whole record is left or the events want no more
     * input. What is left stays in {@code data} for the caller to keep or drop.
     */
    void feed(ByteBuffer data, Stash stash) throws SSLException {
        while (!stash.isEmpty() && data.hasRemaining() && events.wantsInput()) {
            ByteBuffer s = stash.fill(data, engine.getSession().getPacketBufferSize());
            try {
                unwrap(s);
            } finally {
                stash.settle(data);
            }
        }
        if (stash.isEmpty() && data.hasRemaining() && events.wantsInput()) {
            unwrap(data);
        }
    }

    /** Decrypts what {@code stash} holds (kept while reading was paused). */
    void drain(Stash stash) throws SSLException {
        ByteBuffer s = stash.readable();
        try {
            unwrap(s);
        } finally {
            stash.compact();
        }
    }

    /**
     * Decrypts the records in {@code src} until it holds no whole record, or the events want no
     * more input, or the inbound side ends. Plaintext is delivered in batches.
     */
    private void unwrap(ByteBuffer src) throws SSLException {
        int appSize = engine.getSession().getApplicationBufferSize();
        ByteBuffer plain = scratch.takePlain(appSize * RECORDS_PER_BATCH);
        try {
            while (src.hasRemaining() && events.wantsInput()) {
                if (src.get(src.position()) == CONTENT_TYPE_HANDSHAKE) {
                    events.handshakeRecordNext(); // engine.unwrap starts at a record's first byte
                }
                SSLEngineResult r = engine.unwrap(src, plain);
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        if (plain.position() > 0) {
                            deliver(plain);
                        } else {
                            plain = scratch.grow(plain, engine.getSession().getApplicationBufferSize());
                        }
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> {
                        return; // the rest is an incomplete record: the caller keeps it
                    }
                    case CLOSED -> {
                        deliver(plain);
                        events.closeNotifyReceived(r.getHandshakeStatus());
                        return;
                    }
                    default -> {
                    }
                }
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs != NOT_HANDSHAKING && hs != NEED_UNWRAP) {
                    deliver(plain); // plaintext before the handshake step, in order
                    advance(hs);
                } else if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && hs != NEED_UNWRAP_AGAIN) {
                    return; // no progress: wait for more input rather than spin
                }
                if (plain.remaining() < appSize) {
                    deliver(plain);
                }
            }
        } finally {
            deliver(plain);
            scratch.give(plain);
        }
    }

    private void deliver(ByteBuffer plain) {
        if (plain.position() == 0) {
            return;
        }
        plain.flip();
        events.deliver(plain);
        plain.clear();
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
