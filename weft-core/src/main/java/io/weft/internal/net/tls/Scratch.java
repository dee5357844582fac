package io.weft.internal.net.tls;

import java.nio.ByteBuffer;

/**
 * Working buffers for the engine, shared by every TLS connection on one thread.
 *
 * <p>What {@code wrap} makes is handed to the transport underneath, which copies what it cannot
 * send at once; what {@code unwrap} makes is lent to the application for one
 * {@code dataReceived} call. Either way the buffer is free again when the call returns, so one
 * pair per loop thread serves all its connections: ten thousand idle TLS connections hold no
 * 64 KiB buffers of their own, and a busy one allocates nothing per record.
 *
 * <p>Each buffer is taken and given back around one use. A loop is single-threaded, but a use
 * can call out (to the application, to the transport) and something there might start another
 * use on the same thread; such a nested taker gets a fresh buffer instead of trampling the
 * outer one. Loop thread only (one instance per thread).
 */
final class Scratch {
    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    private ByteBuffer plain;
    private ByteBuffer cipher;
    private ByteBuffer input;
    private boolean plainTaken;
    private boolean cipherTaken;
    private boolean inputTaken;

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** A cleared buffer for {@code unwrap} output of at least {@code min} bytes. */
    ByteBuffer takePlain(int min) {
        if (plainTaken) {
            return ByteBuffer.allocate(min);
        }
        plainTaken = true;
        if (plain == null || plain.capacity() < min) {
            plain = ByteBuffer.allocate(min);
        }
        return plain.clear();
    }

    /** A cleared buffer for {@code wrap} output of at least {@code min} bytes. */
    ByteBuffer takeCipher(int min) {
        if (cipherTaken) {
            return ByteBuffer.allocate(min);
        }
        cipherTaken = true;
        if (cipher == null || cipher.capacity() < min) {
            cipher = ByteBuffer.allocate(min);
        }
        return cipher.clear();
    }

    /**
     * A heap copy of {@code data}'s remaining bytes (its position moves to its limit), ready to
     * read. Why: the JDK decrypts AES-GCM about twice as fast from a heap array as from a direct
     * buffer (its intrinsics work on arrays), and the transport lends direct read buffers; one
     * memcpy buys that back.
     */
    ByteBuffer takeInputCopy(ByteBuffer data) {
        int n = data.remaining();
        ByteBuffer b;
        if (inputTaken) {
            b = ByteBuffer.allocate(n);
        } else {
            inputTaken = true;
            if (input == null || input.capacity() < n) {
                input = ByteBuffer.allocate(Math.max(n, 64 * 1024));
            }
            b = input.clear();
        }
        return b.put(data).flip();
    }

    /** Replaces a taken buffer with an empty, larger one (the engine said it needs more room). */
    ByteBuffer grow(ByteBuffer taken, int min) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(min, taken.capacity() * 2));
        if (taken == plain) {
            plain = bigger;
        } else if (taken == cipher) {
            cipher = bigger;
        }
        return bigger;
    }

    void give(ByteBuffer taken) {
        if (taken == plain) {
            plainTaken = false;
        } else if (taken == cipher) {
            cipherTaken = false;
        } else if (taken == input) {
            inputTaken = false;
        }
    }
}
