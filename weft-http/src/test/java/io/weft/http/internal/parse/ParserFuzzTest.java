package io.weft.http.internal.parse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Jazzer targets for the request parser, the chunked decoder and the client's response reading. In a plain build they replay
 * the seeds under src/test/resources (regression mode); to fuzz, run one of them with
 * {@code JAZZER_FUZZ=1}, e.g.
 * {@code JAZZER_FUZZ=1 mvn -pl weft-http -am test -Dtest=ParserFuzzTest#requestHead -Dsurefire.failIfNoSpecifiedTests=false}
 * (the duration below bounds it; Jazzer fuzzes one target per run).
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void requestHead(byte[] data) {
        Differential.request(data);
    }

    @FuzzTest(maxDuration = "10m")
    void chunkedBody(byte[] data) {
        Differential.chunked(data);
    }

    /** A server's whole response (heads, body), read whole and cut into reads where the fuzzer says. */
    @FuzzTest(maxDuration = "10m")
    void response(FuzzedDataProvider data) {
        boolean headRequest = data.consumeBoolean();
        int[] cuts = new int[data.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1023);
        }
        Arrays.sort(cuts);
        Differential.response(data.consumeRemainingAsBytes(), cuts, headRequest);
    }
}
