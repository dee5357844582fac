package io.weft.cli.info;

import io.weft.cli.WeftVersion;
import io.weft.internal.io.Drivers;
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
 * core is the plan), the file-descriptor limit (one per connection), every backend with {@code ok}
 * or the reason it cannot run here, and which one a loop gets by default and why.
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
        for (Drivers.Status status : Drivers.statuses()) {
            row(out, label, String.format(Locale.ROOT, "%-8s %s", status.kind().configName(), probe(status)));
            label = "";
        }
        row(out, "default", Drivers.preferredReason());
        boolean debug = LoopConfig.defaults().debug();
        row(out, "debug", debug ? "on (WEFT_DEBUG)" : "off (WEFT_DEBUG=1 turns it on)");
        out.flush();
        return 0;
    }

    /**
     * "ok" if the backend's probe passed and a loop on it opens and closes, else the reason: the
     * probe's (not Linux, native access not enabled...) or the loop's.
     */
    static String probe(Drivers.Status status) {
        if (!status.ok()) {
            return "unavailable: " + status.reason();
        }
        PollerKind kind = status.kind();
        EventLoop loop;
        try {
            loop = EventLoop.create(LoopConfig.builder().poller(kind).build());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "unavailable: " + cause.getMessage();
        }
        loop.close();
        if (kind == PollerKind.NIO) {
            return "ok (JDK default selector: " + SelectorProvider.provider().getClass().getSimpleName() + ")";
        }
        return kind == PollerKind.IO_URING && status.reason() != null ? "ok (" + status.reason() + ")" : "ok";
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "%-9s %s%n", label, value);
    }
}
