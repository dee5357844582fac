package io.weft.http.internal.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the request parser and the chunked decoder. In a plain build they replay
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
}
