package io.weft.internal.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The TLS record stash, driven as {@code TlsConnection} and {@code RecordEngine} drive it, with
 * a stand-in for {@code SSLEngine.unwrap} that, like it, takes whole records only (here a
 * 2-byte length and a payload, at most {@code recordSize} bytes) and leaves a cut one in place.
 * The fuzzer picks the record size, where the peer's bytes are cut into reads (at any offset
 * of the read buffer), and when the application pauses reading (after a number of records) and
 * resumes it.
 *
 * <p>Properties: the records decrypted are exactly those of the whole input, in order; every
 * byte that arrived and was not decrypted is in the stash (nothing lost, nothing twice); while
 * reading is not paused the stash holds less than one record; and its buffer is never more than
 * twice the most it held, or one and a half records.
 *
 * <p>In a plain build this runs the inputs under {@code StashFuzzTestInputs/}; to fuzz, see
 * {@code tools/fuzz.sh}.
 */
class StashFuzzTest {
    private static final Field BUF;

    static {
        try {
            BUF = Stash.class.getDeclaredField("buf");
            BUF.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    void recordsAsTheWholeInputWould(FuzzedDataProvider data) throws IllegalAccessException {
        int recordSize = data.consumeInt(3, 700);
        int reads = data.consumeInt(0, 24);
        int[][] plan = new int[reads][];
        for (int i = 0; i < reads; i++) {
            // cut point, offset in the read buffer, records before pausing (0: never), resume after?
            plan[i] = new int[] {data.consumeInt(0, 8192), data.consumeInt(0, 16), data.consumeInt(0, 4),
                    data.consumeBoolean() ? 1 : 0};
        }
        byte[] input = data.consumeRemainingAsBytes();

        List<String> expected = new ArrayList<>();
        int tail = reference(input, recordSize, expected);

        Engine engine = new Engine(recordSize);
        Stash stash = new Stash();
        Arrays.sort(plan, (a, b) -> Integer.compare(a[0], b[0]));
        int from = 0;
        int peak = 0;
        for (int i = 0; i <= reads; i++) {
            int to = i < reads ? Math.min(plan[i][0], input.length) : input.length;
            if (to < from) {
                continue;
            }
            int offset = i < reads ? plan[i][1] : 0;
            engine.budget = i < reads && plan[i][2] > 0 ? plan[i][2] : Integer.MAX_VALUE;
            if (to > from) { // a read has at least one byte
                byte[] lent = new byte[offset + (to - from) + offset];
                System.arraycopy(input, from, lent, offset, to - from);
                dataReceived(engine, stash, ByteBuffer.wrap(lent, offset, to - from));
                from = to;
                peak = Math.max(peak, stash.size());
                check(engine, stash, from, recordSize, peak);
            }
            if (i == reads || plan[i][3] == 1) {
                engine.budget = Integer.MAX_VALUE;
                drain(engine, stash);
                check(engine, stash, from, recordSize, peak);
            }
            if (stash.isEmpty()) {
                peak = 0; // released: a new buffer starts from nothing
            }
        }

        assertThat(engine.records).isEqualTo(expected);
        assertThat(stash.size()).as("the cut record at the end").isEqualTo(tail);
    }

    /** Checks after a read or a drain, with {@code received} bytes of the input in. */
    private static void check(Engine engine, Stash stash, int received, int recordSize, int peak)
            throws IllegalAccessException {
        check(stash.size() == received - engine.consumed, "%d held; %d in, less %d decrypted", stash.size(), received,
                engine.consumed);
        check(engine.budget == 0 || stash.size() < recordSize, "%d held while not paused", stash.size());
        ByteBuffer buf = (ByteBuffer) BUF.get(stash);
        if (buf != null) {
            check(stash.size() > 0, "an empty stash is not released");
            check(buf.capacity() <= Math.max(2 * peak, recordSize * 3 / 2 + 1), "capacity %d, holding at most %d",
                    buf.capacity(), peak);
        }
    }

    /** A cheap assertion for the hot path: the message is formatted only on failure. */
    private static void check(boolean ok, String what, Object... args) {
        if (!ok) {
            throw new AssertionError(String.format(what, args));
        }
    }

    /** What TlsConnection.dataReceived does with a read. */
    private static void dataReceived(Engine engine, Stash stash, ByteBuffer data) {
        // RecordEngine.feed
        while (!stash.isEmpty() && data.hasRemaining() && engine.wantsInput()) {
            ByteBuffer s = stash.fill(data, engine.recordSize);
            try {
                engine.unwrap(s);
            } finally {
                stash.settle(data);
            }
        }
        if (stash.isEmpty() && data.hasRemaining() && engine.wantsInput()) {
            engine.unwrap(data);
        }
        if (data.hasRemaining()) {
            stash.keep(data);
        }
        check(!data.hasRemaining(), "the lent buffer is not all used");
        stash.releaseIfEmpty();
    }

    /** What TlsConnection.drainStash does when reading resumes. */
    private static void drain(Engine engine, Stash stash) {
        if (!engine.wantsInput() || stash.isEmpty()) {
            return;
        }
        ByteBuffer s = stash.readable();
        try {
            engine.unwrap(s);
        } finally {
            stash.compact();
        }
        stash.releaseIfEmpty();
    }

    /** Splits the whole input into records; returns the length of the cut one left at the end. */
    private static int reference(byte[] input, int recordSize, List<String> out) {
        int at = 0;
        while (input.length - at >= 2) {
            int total = Engine.total(input[at], input[at + 1], recordSize);
            if (input.length - at < total) {
                break;
            }
            out.add(Arrays.toString(Arrays.copyOfRange(input, at + 2, at + total)));
            at += total;
        }
        return input.length - at;
    }

    /** A stand-in for SSLEngine.unwrap: whole records only, and a pause after a budget of them. */
    private static final class Engine {
        final int recordSize;
        final List<String> records = new ArrayList<>();
        long consumed;
        int budget = Integer.MAX_VALUE;

        Engine(int recordSize) {
            this.recordSize = recordSize;
        }

        static int total(byte hi, byte lo, int recordSize) {
            return 2 + (((hi & 0xff) << 8) | (lo & 0xff)) % (recordSize - 1);
        }

        boolean wantsInput() {
            return budget > 0;
        }

        void unwrap(ByteBuffer src) {
            while (src.remaining() >= 2 && wantsInput()) {
                int p = src.position();
                int total = total(src.get(p), src.get(p + 1), recordSize);
                if (src.remaining() < total) {
                    return; // BUFFER_UNDERFLOW
                }
                byte[] payload = new byte[total - 2];
                src.position(p + 2);
                src.get(payload);
                records.add(Arrays.toString(payload));
                consumed += total;
                budget--;
            }
        }
    }
}
