package io.weft.internal.stream;

import io.weft.stream.IncompleteReadException;
import io.weft.stream.LimitExceededException;

/**
 * One pending read of a stream reader: what it takes from the buffer, and what it does when
 * the stream has ended. {@link #step} only looks: it says what to hand over and how many bytes
 * that consumes, and the reader consumes them only if the read's promise accepts the result.
 * That is what keeps a cancelled read from losing data. Loop thread only.
 */
public sealed interface ReadRequest {

    /**
     * Decides what the read does now.
     *
     * @param buffer what is buffered
     * @param ended  whether the stream has ended (EOF or error); no more bytes will come
     * @param error  the connection's error if it ended with one, else null
     * @param limit  the reader's limit for separator searches
     */
    Step step(InputBuffer buffer, boolean ended, Throwable error, int limit);

    /** What a read does after a {@link #step}. */
    sealed interface Step {
    }

    /** Wait for more bytes; {@code discard} bytes may be dropped now (only skipping does). */
    record Wait(int discard) implements Step {
    }

    /** Complete with {@code value}, consuming {@code consume} bytes. */
    record Deliver(Object value, int consume) implements Step {
    }

    /** Fail with {@code error}, consuming {@code consume} bytes (handed over inside the error). */
    record Fail(Throwable error, int consume) implements Step {
    }

    Wait WAIT = new Wait(0);

    /** Up to {@code max} bytes, as soon as there are any; an empty array at EOF. */
    record Some(int max) implements ReadRequest {
        @Override
        public Step step(InputBuffer buffer, boolean ended, Throwable error, int limit) {
            int n = Math.min(max, buffer.size());
            if (n > 0) {
                return new Deliver(buffer.copy(n), n);
            }
            if (!ended) {
                return WAIT;
            }
            return error != null ? new Fail(error, 0) : new Deliver(new byte[0], 0);
        }
    }

    /** Exactly {@code n} bytes. */
    record Exactly(int n) implements ReadRequest {
        @Override
        public Step step(InputBuffer buffer, boolean ended, Throwable error, int limit) {
            if (buffer.size() >= n) {
                return new Deliver(buffer.copy(n), n);
            }
            if (!ended) {
                return WAIT;
            }
            if (error != null) {
                return new Fail(error, 0);
            }
            return new Fail(new IncompleteReadException(buffer.copy(buffer.size()), n), buffer.size());
        }
    }

    /**
     * Bytes up to and including {@code separator}, or, as a line, up to an LF with the LF and
     * a CR before it removed.
     */
    final class Until implements ReadRequest {
        private static final byte[] LF = {'\n'};
        private final byte[] separator;
        private final boolean line;
        /** Bytes already searched without a match: the next search starts after them. */
        private int scanned;

        private Until(byte[] separator, boolean line) {
            this.separator = separator;
            this.line = line;
        }

        public static Until separator(byte[] separator) {
            return new Until(separator.clone(), false);
        }

        public static Until line() {
            return new Until(LF, true);
        }

        @Override
        public Step step(InputBuffer buffer, boolean ended, Throwable error, int limit) {
            int at = buffer.indexOf(separator, scanned);
            int size = buffer.size();
            if (at >= 0) {
                int through = at + separator.length;
                return through > limit ? new Fail(tooLong(limit), 0) : new Deliver(value(buffer, at, through), through);
            }
            // A separator can straddle the end of what has arrived: rescan its first bytes.
            scanned = Math.max(0, size - separator.length + 1);
            if (size >= limit) {
                // Any match would now end past the limit.
                return new Fail(tooLong(limit), 0);
            }
            if (!ended) {
                return WAIT;
            }
            if (error != null) {
                return new Fail(error, 0);
            }
            if (line) {
                // The last line may lack its LF (a file without a final newline, `nc` input).
                return size == 0 ? new Deliver(null, 0) : new Deliver(buffer.copy(size), size);
            }
            return new Fail(new IncompleteReadException(buffer.copy(size), -1), size);
        }

        private Object value(InputBuffer buffer, int at, int through) {
            if (!line) {
                return buffer.copy(through);
            }
            int n = at > 0 && buffer.get(at - 1) == '\r' ? at - 1 : at;
            return buffer.copy(n);
        }

        private LimitExceededException tooLong(int limit) {
            return new LimitExceededException(line
                    ? "line longer than " + limit + " bytes"
                    : "separator not found within " + limit + " bytes", limit);
        }
    }

    /** Drops bytes up to and including {@code separator}; the result is how many were dropped. */
    final class Skip implements ReadRequest {
        private final byte[] separator;
        private long skipped;

        public Skip(byte[] separator) {
            this.separator = separator.clone();
        }

        @Override
        public Step step(InputBuffer buffer, boolean ended, Throwable error, int limit) {
            int at = buffer.indexOf(separator, 0);
            if (at >= 0) {
                int through = at + separator.length;
                return new Deliver(skipped + through, through);
            }
            int size = buffer.size();
            if (ended) {
                return error != null ? new Fail(error, 0)
                        : new Fail(new IncompleteReadException(buffer.copy(size), -1), size);
            }
            // Keep only what could be the start of a separator: memory stays bounded.
            int drop = Math.max(0, size - separator.length + 1);
            skipped += drop;
            return new Wait(drop);
        }
    }
}
