package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Accepting while the process is out of file descriptors: the server reports it once, backs off
 * instead of spinning on the still-pending connection, and accepts and serves it once
 * descriptors are free again.
 */
class AcceptFdExhaustionTest extends NetTestSupport {

    @Test
    void acceptUnderEmfileBacksOffReportsOnceAndRecovers() throws Exception {
        // The test runs out of descriptors by lowering the soft RLIMIT_NOFILE under a live
        // listener. io_uring's accept reads that limit when its SQE is prepared (io_accept_prep
        // keeps rlimit(RLIMIT_NOFILE)), and the multishot accept was armed before: it goes on
        // accepting into the room above the new limit, so nothing runs out on that backend.
        org.junit.jupiter.api.Assumptions.assumeTrue(backend != io.weft.loop.PollerKind.IO_URING,
                "io_uring's armed accept took RLIMIT_NOFILE at submission; lowering it later exhausts nothing");
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        // Once normally, so every class on the accept path is loaded: loading a class can need a
        // descriptor too, and there will be none.
        try (RawPeer warm = RawPeer.connect(address(s))) {
            warm.write("w".getBytes());
            assertThat(await(offLoop(() -> warm.readExactly(1)))).isEqualTo("w".getBytes());
        }
        await(until(() -> s.connectionCount() == 0));
        loop.stats();
        loop.reportException("warming up the handler", new java.io.IOException("Too many open files"));
        Class.forName("io.weft.internal.io.Errors");
        takeReports();

        RawPeer pending = closeLater(RawPeer.connect(address(s))); // the kernel completes it
        pending.write("hello".getBytes());
        long turnsDuring;
        try (FdLimit exhausted = FdLimit.exhaust()) {
            assertThat(exhausted.held()).isPositive();
            long turns = loop.stats().turns();
            await(after(Duration.ofSeconds(1)));
            turnsDuring = loop.stats().turns() - turns;
            assertThat(s.connectionCount()).isZero();
        }
        assertThat(turnsDuring).as("loop turns in one second of EMFILE (a spinning accept makes thousands)")
                .isLessThan(100);
        assertThat(takeReports()).as("reported once").singleElement().asString()
                .contains("out of file descriptors").contains("Too many open files");

        // Descriptors are back: the pending connection is accepted at the next retry and served.
        assertThat(await(offLoop(() -> pending.readExactly(5)))).isEqualTo("hello".getBytes());
        assertThat(s.connectionCount()).isEqualTo(1);
        pending.shutdownOutput();
        await(until(() -> s.connectionCount() == 0));
        assertThat(takeReports()).as("nothing more reported after recovering").isEmpty();
    }
}
