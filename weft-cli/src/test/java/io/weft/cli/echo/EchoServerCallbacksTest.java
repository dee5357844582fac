package io.weft.cli.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.Style;
import io.weft.testkit.FileDescriptors;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The echo server's tests against the server written in callback style: protocols. */
class EchoServerCallbacksTest extends EchoServerTest {
    @Override
    Style style() {
        return Style.CALLBACKS;
    }

    /**
     * On two loops, each with its own SO_REUSEPORT socket, the kernel spreads connections by a
     * hash of the source port: two hundred connections from distinct ports reach both loops.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void onTwoLoopsEveryConnectionIsServedAndBothLoopsAcceptSome() throws Exception {
        FileDescriptors.Snapshot fds = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        EchoServer two = EchoServer.start(ServeOptions.builder(0).loops(2).build());
        try {
            for (int i = 0; i < 200; i++) {
                try (Socket s = new Socket()) {
                    s.connect(two.address());
                    s.getOutputStream().write(("client " + i).getBytes());
                    s.shutdownOutput();
                    assertThat(new String(s.getInputStream().readAllBytes())).isEqualTo("client " + i);
                }
            }
            assertThat(two.acceptedPerLoop()).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
        } finally {
            EchoServer.Summary summary = two.stop();
            assertThat(summary.connections()).as("served, over both loops").isEqualTo(200);
            assertThat(summary.perLoop()).hasSize(2);
            assertThat(summary.perLoop().get(0) + summary.perLoop().get(1)).isEqualTo(200);
            assertThat(summary.describePerLoop()).hasValue(
                    "per loop: " + summary.perLoop().get(0) + ", " + summary.perLoop().get(1) + " connections");
        }
        fds.assertNoneLeaked(Duration.ofSeconds(5));
    }
}
