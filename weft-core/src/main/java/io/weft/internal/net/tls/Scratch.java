package io.weft.internal.net.tls;

import io.weft.internal.loop.Loop;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Working buffers for the engine, shared by every TLS connection on one loop.
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
 * outer one.
 *
 * <p>Per loop, not per thread: the loop's green threads write TLS too, and a thread-local would
 * give each of them a ~66 KiB buffer for its whole life. They run on the loop's thread, one at
 * a time, and never park while holding a buffer (nothing between take and give parks), so they
 * can share the loop's. Loop thread (and its green threads) only.
 */
final class Scratch {
    /**
     * Each loop's instance, looked up once per connection. Weak keys: a closed loop's buffers go
     * with the loop once nothing refers to it (a Scratch refers to no loop).
     */
    private static final Map<Loop, Scratch> PER_LOOP = Collections.synchronizedMap(new WeakHashMap<>());

    /** Buffers a Scratch allocated to keep (not the fresh ones for nested takers); for tests. */
    private static final AtomicLong KEPT = new AtomicLong();

    private ByteBuffer plain;
    private ByteBuffer cipher;
    private ByteBuffer input;
    private boolean plainTaken;
    private boolean cipherTaken;
    private boolean inputTaken;

    /** How many buffers every Scratch so far allocated to keep: for tests of who holds them. */
    static long buffersAllocated() {
        return KEPT.get();
    }

    private static ByteBuffer keep(int size) {
        KEPT.incrementAndGet();
        return ByteBuffer.allocate(size);
    }

    /** {@code loop}'s instance. Any thread; use it only on the loop's. */
    static Scratch of(Loop loop) {
        return PER_LOOP.computeIfAbsent(loop, l -> new Scratch());
    }

    /** A cleared buffer for {@code unwrap} output of at least {@code min} bytes. */
    ByteBuffer takePlain(int min) {
        if (plainTaken) {
            return ByteBuffer.allocate(min);
        }
        plainTaken = true;
        if (plain == null || plain.capacity() < min) {
            plain = keep(min);
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
            cipher = keep(min);
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
                input = keep(Math.max(n, 64 * 1024));
            }
            b = input.clear();
        }
        return b.put(data).flip();
    }

    /** Replaces a taken buffer with an empty, larger one (the engine said it needs more room). */
    ByteBuffer grow(ByteBuffer taken, int min) {
        int size = Math.max(min, taken.capacity() * 2);
        ByteBuffer bigger;
        if (taken == plain) {
            plain = bigger = keep(size);
        } else if (taken == cipher) {
            cipher = bigger = keep(size);
        } else {
            bigger = ByteBuffer.allocate(size);
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
