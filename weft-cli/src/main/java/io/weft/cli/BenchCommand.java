package io.weft.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code weft bench} as {@code weft --help} lists it. The suite lives in its own jar
 * (weft-bench.jar, so that Netty and the chart library stay out of weft.jar), and the
 * {@code ./weft} launcher runs that jar for {@code bench} before this command line ever sees
 * it; this entry is reached only by {@code java -jar weft.jar bench}, and says where to go.
 */
@Command(name = "bench", description = "Run the benchmark suite: JMH micro-benchmarks and the macro suite against peers"
        + " ('./weft bench --help' for its options).")
final class BenchCommand implements Callable<Integer> {

    @Unmatched
    List<String> args;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("weft bench runs from its own jar: use the ./weft launcher"
                + " ('./weft bench --help'), or java -jar weft-bench/target/weft-bench.jar");
        spec.commandLine().getErr().flush();
        return 2;
    }
}
