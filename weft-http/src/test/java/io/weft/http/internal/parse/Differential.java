package io.weft.http.internal.parse;

import java.nio.charset.StandardCharsets;

/**
 * The checks every fuzz input goes through: the fast parsers must never throw anything but a
 * {@link ParseException}, and must agree with {@link ReferenceParsers} on what the input means.
 * Shared by the Jazzer targets and the randomized test that runs in every build.
 */
final class Differential {
    private static final ParseLimits HUGE = new ParseLimits(1 << 20, 1 << 22, 1 << 16);

    private Differential() {
    }

    /** One request-head input. */
    static void request(byte[] data) {
        int end = RequestParser.headEnd(data, 0, 0, data.length);
        if (end < 0) {
            try {
                int r = RequestParser.parse(data, 0, data.length, HUGE, new RequestHead());
                if (r != RequestParser.INCOMPLETE) {
                    throw new AssertionError("a head without CRLF CRLF was accepted: " + show(data));
                }
            } catch (ParseException expected) {
                // a prefix that is already wrong
            }
            return;
        }
        ReferenceParsers.Request fast = ReferenceParsers.fast(data, end, HUGE);
        byte[] head = java.util.Arrays.copyOf(data, end);
        ReferenceParsers.Request slow = ReferenceParsers.request(head);
        if (!fast.equals(slow)) {
            throw new AssertionError("the parsers disagree on " + show(head) + "\n fast: " + fast + "\n slow: " + slow);
        }
    }

    /** One chunked-body input, decoded whole and in pieces. */
    static void chunked(byte[] data) {
        ReferenceParsers.Chunked slow = ReferenceParsers.chunked(data);
        ReferenceParsers.Chunked whole = ReferenceParsers.fastChunked(data, Integer.MAX_VALUE);
        ReferenceParsers.Chunked bytewise = ReferenceParsers.fastChunked(data, 1);
        ReferenceParsers.Chunked threes = ReferenceParsers.fastChunked(data, 3);
        if (!whole.equals(bytewise) || !whole.equals(threes)) {
            throw new AssertionError("the decoder depends on how input is split: " + show(data) + "\n whole: " + whole
                    + "\n bytewise: " + bytewise + "\n by 3: " + threes);
        }
        boolean fastOk = whole.status() == 0;
        boolean slowOk = slow.status() == 0;
        if (fastOk != slowOk || fastOk && !whole.equals(slow)) {
            throw new AssertionError("the decoders disagree on " + show(data) + "\n fast: " + whole + "\n slow: " + slow);
        }
    }

    /**
     * One response input, read whole and in reads cut at {@code cuts} (ascending): the same heads,
     * body and end however it is cut, and the reference's meaning, except that a head or chunked
     * body the input ends in may already be rejected (what came is wrong) where the reference
     * waits for a line end.
     */
    static void response(byte[] data, int[] cuts, boolean headRequest) {
        ReferenceParsers.Exchange whole = ReferenceParsers.fastResponse(data, new int[0], headRequest);
        ReferenceParsers.Exchange cut = ReferenceParsers.fastResponse(data, cuts, headRequest);
        if (!whole.equals(cut)) {
            throw new AssertionError("the response reading depends on how input is split: " + show(data) + " cut at "
                    + java.util.Arrays.toString(cuts) + "\n whole: " + whole + "\n cut:   " + cut);
        }
        ReferenceParsers.Exchange slow = ReferenceParsers.responseExchange(data, headRequest);
        boolean earlyReject = slow.end().startsWith("in the ") && whole.end().startsWith("error ")
                && whole.heads().equals(slow.heads()) && slow.body().startsWith(whole.body());
        if (!whole.equals(slow) && !earlyReject) {
            throw new AssertionError("the response readers disagree on " + show(data) + "\n fast: " + whole
                    + "\n slow: " + slow);
        }
    }

    static String show(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.append('"').toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
