package io.weft.proxy.internal.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.weft.http.internal.parse.Methods;
import io.weft.http.internal.parse.ParseException;
import io.weft.http.internal.parse.ParseLimits;
import io.weft.http.internal.parse.RequestHead;
import io.weft.http.internal.parse.RequestParser;
import java.util.Arrays;

/**
 * A proxy client's request head, read as {@code HttpProxySession} reads it (the parser in its
 * tunnelling mode, fed in reads cut where the fuzzer says, its incomplete head checked against
 * the limits on every read), then its target as {@link ProxyTarget} reads it.
 *
 * <p>Properties: the same outcome (status, or method and target) however the head is cut;
 * nothing thrown but {@link ParseException} and {@link ProxyTarget.BadTarget}; and a target that
 * is accepted has a host, a port a connection can use (1 to 65535), and, to forward, a path
 * in origin-form.
 *
 * <p>In a plain build this runs the inputs under {@code ProxyTargetFuzzTestInputs/}; to fuzz, see
 * {@code tools/fuzz.sh}.
 */
class ProxyTargetFuzzTest {

    @FuzzTest
    void targetsAsTheWholeHeadWould(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1023);
        }
        Arrays.sort(cuts);
        byte[] input = data.consumeRemainingAsBytes();
        String whole = read(input, new int[0]);
        String cut = read(input, cuts);
        if (!whole.equals(cut)) {
            throw new AssertionError("cut at " + Arrays.toString(cuts) + ": " + cut + "; whole: " + whole);
        }
    }

    /** What the proxy makes of {@code input}'s first head, cut into reads at {@code cuts}. */
    private static String read(byte[] input, int[] cuts) {
        byte[] buf = new byte[input.length];
        int len = 0;
        int scanned = 0;
        RequestHead head = new RequestHead();
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? Math.min(cuts[i], input.length) : input.length;
                if (to <= len) {
                    continue;
                }
                System.arraycopy(input, len, buf, len, to - len);
                len = to;
                // HttpProxySession.parseHead
                int end = RequestParser.headEnd(buf, 0, scanned, len);
                scanned = len;
                if (end == RequestParser.INCOMPLETE) {
                    RequestParser.checkIncomplete(buf, 0, len, ParseLimits.DEFAULTS);
                    continue;
                }
                if (RequestParser.parse(buf, 0, end, ParseLimits.DEFAULTS, head, true) == RequestParser.INCOMPLETE) {
                    continue;
                }
                return target(head);
            }
        } catch (ParseException e) {
            return "status " + e.status();
        }
        return "incomplete";
    }

    private static String target(RequestHead head) {
        boolean connect = head.method() == Methods.CONNECT;
        ProxyTarget t;
        try {
            t = connect ? ProxyTarget.connect(head.target()) : ProxyTarget.forward(head.target());
        } catch (ProxyTarget.BadTarget e) {
            return "refused " + e.status() + " " + head.target();
        }
        if (t.host().isEmpty() || t.port() < 1 || t.port() > 65535
                || !connect && (t.path() == null || !t.path().startsWith("/"))) {
            throw new AssertionError(head.method() + " " + head.target() + " gave " + t);
        }
        return head.method() + " " + t;
    }
}
