package io.weft.cli.sim;

import io.weft.cli.WeftVersion;
import io.weft.testkit.sim.Faults;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weft sim echo|chat}: runs a server of this command line with scripted clients under
 * many seeds of the deterministic simulation and checks its properties, printing
 * {@code N seeds, K violations} and, for each violation, the seed and the command that replays
 * it; {@code --seed S} replays one seed and prints its {@code trace <hash>}, the same on every
 * run. Exit codes: 0 when every seed kept every property, 1 when one did not, 2 for bad flags.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Run the echo or chat server under deterministic simulation, many seeds at once.",
                "Simulated network and time, scripted clients, one seeded random source deciding delays,",
                "partial I/O and faults.",
                "Checks the server's properties under every seed; a violation prints the command that replays it.",
                "Try it: weft sim chat --seeds 100"})
public final class SimCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "echo or chat.")
    String scenario;

    @Option(names = "--seeds", defaultValue = "100", paramLabel = "N",
            description = "How many seeds to run, from --first-seed on (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", paramLabel = "S", description = "The first seed (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--seed", paramLabel = "S", description = "Replay this one seed and print its trace hash.")
    Long seed;

    @Option(names = "--clients", defaultValue = "6", paramLabel = "N",
            description = "Scripted clients (default: ${DEFAULT-VALUE}; chat needs 3 or more: the last one stops reading).")
    int clients;

    @Option(names = "--network", defaultValue = "benign", paramLabel = "KIND",
            description = "perfect, benign (delays, partial reads and writes, small buffers) or hostile"
                    + " (also refused and hanging connects and resets; echo only) (default: ${DEFAULT-VALUE}).")
    String network;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Scenario run = switch (scenario.toLowerCase(Locale.ROOT)) {
            case "echo" -> new EchoScenario();
            case "chat" -> new ChatScenario();
            default -> throw new ParameterException(spec.commandLine(), "unknown scenario '" + scenario
                    + "': use echo or chat");
        };
        Faults faults = switch (network.toLowerCase(Locale.ROOT)) {
            case "perfect" -> Faults.none();
            case "benign" -> Faults.benign();
            case "hostile" -> Faults.hostile();
            default -> throw new ParameterException(spec.commandLine(), "unknown network '" + network
                    + "': use perfect, benign or hostile");
        };
        if (network.equalsIgnoreCase("hostile") && scenario.equalsIgnoreCase("chat")) {
            throw new ParameterException(spec.commandLine(), "--network hostile is for echo: the chat's"
                    + " properties assume every talking member stays connected");
        }
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, not " + seeds);
        }
        if (clients < (scenario.equalsIgnoreCase("chat") ? 3 : 1)) {
            throw new ParameterException(spec.commandLine(), "--clients " + clients + " is too few for " + scenario);
        }
        String name = scenario.toLowerCase(Locale.ROOT);
        if (seed != null) {
            Outcome o = run.run(seed, faults, clients);
            for (String v : o.violations()) {
                out.println("violation: " + v);
            }
            out.println("seed " + seed + ": " + (o.violations().isEmpty() ? "ok" : o.violations().size() + " violations")
                    + ", " + o.events() + " events, " + Duration.ofNanos(o.simulated()).toMillis() + " ms simulated");
            out.println("trace " + o.trace());
            out.flush();
            return o.violations().isEmpty() ? 0 : 1;
        }
        int bad = 0;
        for (long s = firstSeed; s < firstSeed + seeds; s++) {
            Outcome o = run.run(s, faults, clients);
            if (!o.violations().isEmpty()) {
                bad++;
                out.println("seed " + s + ": " + o.violations().get(0)
                        + (o.violations().size() > 1 ? " (and " + (o.violations().size() - 1) + " more)" : ""));
                out.println("  replay: ./weft sim " + name + " --seed " + s + replayFlags());
                out.flush();
            }
        }
        out.println(seeds + " seeds, " + bad + " violations");
        out.flush();
        return bad == 0 ? 0 : 1;
    }

    private String replayFlags() {
        return (clients != 6 ? " --clients " + clients : "") + (network.equalsIgnoreCase("benign") ? "" : " --network " + network);
    }
}
