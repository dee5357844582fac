package io.weft.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BusyLoopDemoTest {

    @Test
    void withoutYieldDebugModeNamesTheHogAndTheWriteStallsForItsWholeSlice() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute("demo", "busy-loop", "--megabytes", "24", "--cpu-ms", "400", "--slow-ms", "100");
        String text = out.toString();

        assertThat(exit).isZero();
        String withoutYield = text.substring(text.indexOf("without yield:"), text.indexOf("with Green.yieldNow()"));
        // 24 MB is more than loopback socket buffers hold, so the writer must park and wait
        // while the hog runs. The hog computes 400 ms of real time in one slice: over the 100 ms threshold whatever the machine.
        assertThat(withoutYield).contains("debug mode warned").contains("green thread 'cpu-hog' took");
        long stall = Long.parseLong(withoutYield.replaceAll("(?s).*longest stall (\\d+) ms.*", "$1"));
        assertThat(stall).isGreaterThanOrEqualTo(400);
    }
}
