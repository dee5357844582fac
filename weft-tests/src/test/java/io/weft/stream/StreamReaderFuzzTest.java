package io.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.net.ConnectionResetException;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.junit.jupiter.api.AfterAll;

/**
 * StreamReader's framing against a reference framing of the whole input. The fuzzer picks the
 * reader's limit, a separator, a list of reads ({@code readLine}, {@code readUntil},
 * {@code readExactly}, {@code read}, {@code skipUntil}, {@code setLimit}), where the peer's
 * bytes are cut into reads, and whether the stream ends in EOF or a reset. Each read's outcome
 * (bytes, {@code null}, {@link IncompleteReadException}, {@link LimitExceededException} or the
 * reset) must be what the reference gives over the whole input, however it was cut; the reader
 * must hold reading paused exactly while it is over its limit and no read waits; and it must
 * never buffer more than the limit, the largest {@code readExactly} and one read together.
 *
 * <p>The transport is a stand-in that records pause and resume: the reader sees only
 * {@code dataReceived} and the end, as from a real connection. In a plain build this runs the
 * inputs under {@code StreamReaderFuzzTestInputs/}; to fuzz, see {@code tools/fuzz.sh}.
 */
class StreamReaderFuzzTest {
    private static final int MAX_CHUNK = 512;
    private static EventLoop loop;

    @AfterAll
    static void closeLoop() {
        if (loop != null) {
            loop.close();
            loop = null;
        }
    }

    /** A loop owned by the calling thread (Jazzer may call from another thread than JUnit's). */
    private static EventLoop loop() {
        if (loop == null || !loop.inLoop()) {
            closeLoop();
            loop = EventLoop.create(LoopConfig.builder().debug(false).build());
        }
        return loop;
    }

    @FuzzTest
    void framesAsTheWholeInputWould(FuzzedDataProvider data) {
        int limit = data.consumeInt(1, 200);
        byte[] separator = data.consumeBytes(data.consumeInt(1, 3));
        if (separator.length == 0) {
            separator = new byte[] {'\n'};
        }
        boolean reset = data.consumeBoolean();
        int[][] ops = new int[data.consumeInt(1, 24)][];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = new int[] {data.consumeInt(0, 5), data.consumeInt(0, 300)};
        }
        int[] cuts = new int[data.consumeInt(0, 24)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 2048);
        }
        byte[] input = data.consumeRemainingAsBytes();

        Deque<byte[]> chunks = chunks(input, cuts);
        ConnectionResetException resetError = reset ? new ConnectionResetException("reset by the fuzzer", null) : null;
        FakeTransport transport = new FakeTransport(loop());
        StreamReader reader = new StreamReader(limit);
        reader.attach(transport);
        Reference ref = new Reference(input, limit, resetError);
        boolean ended = false;
        int mostExactly = 0;

        for (int[] op : ops) {
            int arg = op[1];
            if (op[0] == 5) {
                int newLimit = 1 + arg % 200;
                reader.setLimit(newLimit);
                ref.limit = newLimit;
                continue;
            }
            Promise<?> p = switch (op[0]) {
                case 0 -> reader.readLine();
                case 1 -> reader.readUntil(separator);
                case 2 -> reader.readExactly(arg);
                case 3 -> reader.read(1 + arg % 100);
                default -> reader.skipUntil(separator);
            };
            if (op[0] == 2) {
                mostExactly = Math.max(mostExactly, arg);
            }
            while (!p.isDone()) {
                check(transport.reading, "a read waits while reading is paused: it would hang");
                if (!chunks.isEmpty()) {
                    reader.dataReceived(ByteBuffer.wrap(chunks.poll()));
                } else {
                    check(!ended, "a read still pending after the end: %s", reader);
                    ended = true;
                    reader.ended(resetError);
                }
                check(reader.bufferedBytes() <= Math.max(reader.limit(), mostExactly) + MAX_CHUNK, "buffered: %s",
                        reader);
            }
            String got = outcome(p);
            String expected = switch (op[0]) {
                case 0 -> ref.until(new byte[] {'\n'}, true);
                case 1 -> ref.until(separator, false);
                case 2 -> ref.exactly(arg);
                case 3 -> ref.some(1 + arg % 100, p.isFailed() ? 0 : ((byte[]) p.resultNow()).length);
                default -> ref.skip(separator, p, reader.bufferedBytes());
            };
            if (!got.equals(expected)) {
                assertThat(got).as("read %d(%d) of %s", op[0], arg, reader).isEqualTo(expected);
            }
            if (ended) {
                check(reader.bufferedBytes() == ref.rest(), "buffered at the end: %s, expected %d", reader, ref.rest());
            } else {
                check(transport.reading == reader.bufferedBytes() < reader.limit(), "reading=%s with %s",
                        transport.reading, reader);
            }
        }
    }

    /** A cheap assertion for the hot path: the message is formatted only on failure. */
    private static void check(boolean ok, String what, Object... args) {
        if (!ok) {
            throw new AssertionError(String.format(what, args));
        }
    }

    private static String outcome(Promise<?> p) {
        if (p.isFailed()) {
            Throwable e = p.cause();
            return switch (e) {
                case IncompleteReadException i -> "incomplete " + Arrays.toString(i.partial()) + " of "
                        + i.expected();
                case LimitExceededException l -> "limit " + l.limit();
                case ConnectionResetException r -> "reset";
                default -> throw new AssertionError("a read failed with an undocumented exception", e);
            };
        }
        Object v = p.resultNow();
        return v == null ? "null" : v instanceof byte[] b ? Arrays.toString(b) : v.toString();
    }

    private static Deque<byte[]> chunks(byte[] input, int[] cuts) {
        Arrays.sort(cuts);
        Deque<byte[]> out = new ArrayDeque<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? Math.min(cuts[i], input.length) : input.length;
            while (to - from > MAX_CHUNK) {
                out.add(Arrays.copyOfRange(input, from, from + MAX_CHUNK));
                from += MAX_CHUNK;
            }
            if (to > from) {
                out.add(Arrays.copyOfRange(input, from, to));
                from = to;
            }
        }
        return out;
    }

    /**
     * The reads as documented, over the whole input at once: what a reader would do if every
     * byte had arrived before the first read and the stream then ended.
     */
    private static final class Reference {
        private final byte[] input;
        private final ConnectionResetException error;
        int limit;
        private int pos;

        Reference(byte[] input, int limit, ConnectionResetException error) {
            this.input = input;
            this.limit = limit;
            this.error = error;
        }

        int rest() {
            return input.length - pos;
        }

        private int indexOf(byte[] separator) {
            outer:
            for (int i = pos; i + separator.length <= input.length; i++) {
                for (int j = 0; j < separator.length; j++) {
                    if (input[i + j] != separator[j]) {
                        continue outer;
                    }
                }
                return i - pos;
            }
            return -1;
        }

        private byte[] take(int n) {
            byte[] b = Arrays.copyOfRange(input, pos, pos + n);
            pos += n;
            return b;
        }

        /** readLine (without its LF and a CR before it) or readUntil (with its separator). */
        String until(byte[] separator, boolean line) {
            int at = indexOf(separator);
            if (at >= 0) {
                int through = at + separator.length;
                if (through > limit) {
                    return "limit " + limit;
                }
                byte[] b = take(through);
                if (line) {
                    int n = at > 0 && b[at - 1] == '\r' ? at - 1 : at;
                    return Arrays.toString(Arrays.copyOf(b, n));
                }
                return Arrays.toString(b);
            }
            if (rest() >= limit) {
                return "limit " + limit;
            }
            if (error != null) {
                return "reset";
            }
            if (line) {
                return rest() == 0 ? "null" : Arrays.toString(take(rest()));
            }
            return "incomplete " + Arrays.toString(take(rest())) + " of OptionalInt.empty";
        }

        String exactly(int n) {
            if (rest() >= n) {
                return Arrays.toString(take(n));
            }
            if (error != null) {
                return "reset";
            }
            return "incomplete " + Arrays.toString(take(rest())) + " of OptionalInt[" + n + "]";
        }

        /** read(max): whatever had arrived, so the reference only checks it is the next bytes. */
        String some(int max, int gotLength) {
            if (rest() == 0) {
                return error != null ? "reset" : "[]";
            }
            check(gotLength >= 1 && gotLength <= Math.min(max, rest()), "read(%d) gave %d with %d bytes to come", max,
                    gotLength, rest());
            return Arrays.toString(take(gotLength));
        }

        /**
         * skipUntil: the count dropped. Without a separator before the end it fails, having
         * dropped an unspecified part of the rest: at EOF with what it still held (a suffix of
         * the rest), consuming it; on a reset keeping it, and that is the rest from then on.
         */
        String skip(byte[] separator, Promise<?> p, int stillBuffered) {
            int at = indexOf(separator);
            if (at >= 0) {
                take(at + separator.length);
                return Long.toString(at + separator.length);
            }
            check(p.isFailed(), "skipUntil without a separator succeeded");
            check(stillBuffered <= rest(), "skipUntil left %d of %d", stillBuffered, rest());
            if (error != null) {
                pos = input.length - stillBuffered;
                return "reset";
            }
            byte[] dropped = take(rest());
            check(stillBuffered == 0, "skipUntil at EOF left %d", stillBuffered);
            if (p.cause() instanceof IncompleteReadException e) {
                byte[] partial = e.partial();
                check(partial.length <= dropped.length, "skipUntil's partial is longer than the rest");
                return "incomplete " + Arrays.toString(Arrays.copyOfRange(dropped, dropped.length - partial.length,
                        dropped.length)) + " of OptionalInt.empty";
            }
            return "incomplete";
        }
    }

    /** Only what a StreamReader calls; the rest is not for it. */
    private static final class FakeTransport implements Transport {
        private final EventLoop loop;
        boolean reading = true;

        FakeTransport(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public void pauseReading() {
            check(reading, "paused twice");
            reading = false;
        }

        @Override
        public void resumeReading() {
            check(!reading, "resumed twice");
            reading = true;
        }

        @Override
        public boolean isReading() {
            return reading;
        }

        @Override
        public void write(ByteBuffer data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeEof() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void close() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abort() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isClosing() {
            return false;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long writeBufferSize() {
            return 0;
        }

        @Override
        public SocketAddress localAddress() {
            return null;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }

        @Override
        public Protocol protocol() {
            return null;
        }

        @Override
        public void setProtocol(Protocol protocol) {
            throw new UnsupportedOperationException();
        }
    }
}
