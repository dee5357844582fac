package io.weft.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.Main;
import io.weft.testkit.sim.Faults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code weft sim}, run in-process. */
class SimCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String trace(Run r) {
        Matcher m = Pattern.compile("(?m)^trace ([0-9a-f]{16})$").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    @Test
    void echoKeepsItsPropertiesUnderEverySeed() {
        Run r = run("sim", "echo", "--seeds", "8");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("8 seeds, 0 violations");
    }

    @Test
    void echoOnAHostileNetworkStillGetsItsBytesBackOrATypedFailure() {
        Run r = run("sim", "echo", "--seeds", "8", "--network", "hostile");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("8 seeds, 0 violations");
    }

    @Test
    void chatKeepsItsPropertiesUnderEverySeed() {
        Run r = run("sim", "chat", "--seeds", "8");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("8 seeds, 0 violations");
    }

    @Test
    void oneSeedReplaysToTheSameTraceAndAnotherSeedDoesNot() {
        String first = trace(run("sim", "chat", "--seed", "17"));
        assertThat(trace(run("sim", "chat", "--seed", "17"))).isEqualTo(first);
        assertThat(trace(run("sim", "chat", "--seed", "18"))).isNotEqualTo(first);
    }

    @Test
    void theSilentMemberIsEvictedWhateverTheSeed() {
        // The property the scenario checks, seen from here: a scenario run, not the command's summary.
        for (long seed = 30; seed < 34; seed++) {
            Outcome o = new ChatScenario().run(seed, Faults.benign(), 4);
            assertThat(o.violations()).as("seed " + seed).isEmpty();
        }
    }

    @Test
    void anUnknownScenarioIsABadFlag() {
        Run r = run("sim", "pingpong");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown scenario 'pingpong'");
    }
}
