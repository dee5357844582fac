package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import io.weft.time.Clock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.jupiter.api.Test;

/** {@link Simulated} finds a planted bug under some seed and names it; a correct protocol passes every seed. */
class SimulatedExtensionTest {

    /** The planted bug: takes each dataReceived for one whole line, which holds only while no read is split. */
    static final class OneReadOneLine implements Protocol {
        final List<String> lines = new ArrayList<>();
        final Promise<List<String>> done;

        OneReadOneLine(Promise<List<String>> done) {
            this.done = done;
        }

        @Override
        public void connectionMade(Transport t) {
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            lines.add(new String(b, StandardCharsets.UTF_8).strip());
        }

        @Override
        public void connectionLost(Throwable cause) {
            done.complete(lines);
        }
    }

    /** Sends one line in one write and closes. */
    static final class SayHello implements Protocol {
        @Override
        public void connectionMade(Transport t) {
            t.write(ByteBuffer.wrap("hello, simulated world\n".getBytes(StandardCharsets.UTF_8)));
            t.close();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
        }
    }

    static void helloIsOneLine(Simulation sim) {
        SimHost host = sim.host("server");
        EventLoop server = host.loop();
        Promise<List<String>> received = server.newPromise();
        server.runUntilComplete(Net.createServer(server, () -> new OneReadOneLine(received), host.address(7),
                ServerOptions.defaults()));
        EventLoop client = sim.host("client").loop();
        client.runUntilComplete(Net.createConnection(client, SayHello::new, "server", 7, ConnectOptions.defaults()));
        assertThat(server.runUntilComplete(received)).containsExactly("hello, simulated world");
    }

    static final class PlantedBug {
        @Simulated(seeds = 40)
        void helloArrivesAsOneLine(Simulation sim) {
            helloIsOneLine(sim);
        }
    }

    static final class PerfectNetwork {
        @Simulated(seeds = 10, network = Simulated.Network.PERFECT)
        void helloArrivesAsOneLine(Simulation sim) {
            helloIsOneLine(sim);
        }
    }

    static final class ReadsTheRealClock {
        @Simulated(seeds = 1)
        void readsIt(Simulation sim) {
            EventLoop loop = sim.host("a").loop();
            loop.runUntilComplete(loop.submit(() -> Clock.system().nanoTime()));
        }
    }

    static final class LeavesAFileOpen {
        @Simulated(seeds = 1)
        void opensAndForgets(Simulation sim) {
            EventLoop loop = sim.host("a").loop();
            loop.runUntilComplete(io.weft.file.AsyncFile.open(loop, java.nio.file.Path.of("/f"),
                    io.weft.file.FileOption.WRITE, io.weft.file.FileOption.CREATE));
        }
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
                listener);
        return listener.getSummary();
    }

    @Test
    void aBugThatNeedsASplitReadIsFoundAndItsSeedNamed() {
        TestExecutionSummary s = run(PlantedBug.class);
        assertThat(s.getTestsStartedCount()).isEqualTo(40);
        assertThat(s.getTestsFailedCount()).as("seeds that split the read").isPositive();
        assertThat(s.getTestsSucceededCount()).as("seeds that did not").isPositive();
        String message = s.getFailures().get(0).getException().getMessage();
        assertThat(message).startsWith("seed ").contains("replay with @Simulated(seed = ").contains("trace ");
        String name = s.getFailures().get(0).getTestIdentifier().getDisplayName();
        long seed = Long.parseLong(name.replace("seed ", ""));
        assertThat(message).startsWith("seed " + seed + " ");
    }

    @Test
    void onAPerfectNetworkEverySeedPasses() {
        TestExecutionSummary s = run(PerfectNetwork.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(10);
        assertThat(s.getTestsFailedCount()).isZero();
    }

    @Test
    void readingTheRealClockFailsTheSeed() {
        TestExecutionSummary s = run(ReadsTheRealClock.class);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
        assertThat(s.getFailures().get(0).getException().getMessage()).contains("real clock");
    }

    @Test
    void aFileLeftOpenFailsTheSeed() {
        TestExecutionSummary s = run(LeavesAFileOpen.class);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
        assertThat(s.getFailures().get(0).getException().getMessage()).contains("left 1 files open");
    }
}
