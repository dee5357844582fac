package io.weft.cli.info;

import io.weft.cli.WeftVersion;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import java.io.PrintWriter;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code weft info}: what Weft finds on this machine. The JDK, the OS, the cores (one loop per
 * core is the plan), the file-descriptor limit (one per connection) and which pollers open here.
 * The first thing to look at, and to paste into a bug report.
 */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = "Show the JDK, OS, cores, file-descriptor limit and available pollers.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        row(out, "weft", WeftVersion.version());
        row(out, "jdk", Runtime.version() + " (" + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home"));
        row(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        row(out, "cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        row(out, "fd limit", FdLimit.ofThisProcess()
                .map(l -> l.soft() + " (hard " + l.hard() + ")")
                .orElse("unknown (no /proc/self/limits)"));
        String label = "pollers";
        for (PollerKind kind : PollerKind.values()) {
            row(out, label, String.format(Locale.ROOT, "%-5s %s", kind.name().toLowerCase(Locale.ROOT), probe(kind)));
            label = "";
        }
        boolean debug = LoopConfig.defaults().debug();
        row(out, "debug", debug ? "on (WEFT_DEBUG)" : "off (WEFT_DEBUG=1 turns it on)");
        out.flush();
        return 0;
    }

    /** Opens and closes a loop on {@code kind}: "ok", or why it cannot be used here. */
    static String probe(PollerKind kind) {
        EventLoop loop;
        try {
            loop = EventLoop.create(LoopConfig.builder().poller(kind).build());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "unavailable: " + cause.getMessage();
        }
        loop.close();
        return kind == PollerKind.NIO
                ? "ok (JDK default selector: " + SelectorProvider.provider().getClass().getSimpleName() + ")"
                : "ok";
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "%-9s %s%n", label, value);
    }
}
