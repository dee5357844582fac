package io.weft.bench.macro;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./weft bench}: runs the macro suite and writes its report. See the
 * {@link io.weft.bench.macro package} and {@code docs/benchmarks.md}.
 */
@Command(name = "weft bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs Weft's macro benchmarks: the same echo served by Weft and its peers (Netty"
                + " NIO/epoll/io_uring, JDK platform and virtual threads, Go, Node, and a C epoll floor), each in its"
                + " own process, driven by one C load generator on loopback. Writes summary.md, a PNG per workload"
                + " and results.json under bench-results/<timestamp>/. Never a CI gate: numbers depend on the"
                + " machine and on what else it runs.%n")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--quick", description = "About 3 minutes: one round, short windows, 256 MiB bulk.")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "WORKLOAD",
            description = "Workloads to run, by name or prefix (echo, echo-1k, echo-16k-c100, c10k, bulk)."
                    + " Default: all.")
    List<String> only = new ArrayList<>();

    @Option(names = "--peers", split = ",", paramLabel = "PEER",
            description = "Peers to run, in this order. Default: all of ${DEFAULT-VALUE}.")
    List<String> peers = new ArrayList<>(Peer.ALL.stream().map(Peer::name).toList());

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds per workload (default 3, or 1 with --quick).")
    Integer rounds;

    @Option(names = "--loops", paramLabel = "N", defaultValue = "1",
            description = "Event loop threads for Weft and Netty (default 1).")
    int loops;

    @Option(names = "--warmup", paramLabel = "SEC",
            description = "Warm-up before each measured window (default 2, quick 0.4).")
    Double warmup;

    @Option(names = "--duration", paramLabel = "SEC",
            description = "Measured window of a ping-pong run (default 3.5, quick 0.8).")
    Double duration;

    @Option(names = "--bulk-mib", paramLabel = "MIB",
            description = "MiB of the measured bulk transfer (default 1024, quick 256).")
    Integer bulkMib;

    @Option(names = "--c10k-conns", paramLabel = "N", defaultValue = "10000",
            description = "Connections of c10k (default 10000).")
    int c10kConns;

    @Option(names = "--no-pin", description = "Do not pin servers and the load generator to separate CPUs.")
    boolean noPin;

    @Option(names = "--out", paramLabel = "DIR", description = "Where reports go (default: <repo>/bench-results).")
    Path out;

    @Option(names = "--list", description = "List workloads and peers, then exit.")
    boolean list;

    @Option(names = "--soak", paramLabel = "DURATION",
            description = "Instead of the suite: c10k with churn for DURATION (30m, 2m, 90s) against one peer"
                    + " (the first of --peers, default weft); writes soak.md and soak.png.")
    String soak;

    @Option(names = "--churn", paramLabel = "PER_S", defaultValue = "100",
            description = "With --soak: connections closed and opened again per second (default 100).")
    int churn;

    @Option(names = "--server-jvm-flag", paramLabel = "FLAG",
            description = "A JVM flag for every Java server, after the suite's own (repeatable), e.g."
                    + " --server-jvm-flag=-Xlog:gc*:file=/tmp/gc.log (a relative path is the working directory's).")
    List<String> serverJvmFlags = new ArrayList<>();

    @Option(names = "--report", paramLabel = "DIR",
            description = "Draw the summary and charts of a finished run again from its results.json; run nothing.")
    Path redraw;

    private String[] args = new String[0];
    private PrintStream progress = System.err;
    /** What the last {@link #call()} measured and where its summary went (for the smoke test). */
    Suite.Results lastResults;
    Path lastReport;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        BenchMain main = new BenchMain();
        main.args = args;
        System.exit(new CommandLine(main).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (redraw != null) {
            lastResults = ResultsFile.read(redraw);
            lastReport = Report.write(lastResults);
            progress.println("report: " + lastReport);
            return 0;
        }
        if (soak != null) {
            return soak();
        }
        List<Workload> workloads = selectWorkloads();
        if (list) {
            workloads.forEach(w -> System.out.printf("%-15s %s%n", w.name(), w.title()));
            System.out.println();
            Peer.KNOWN.forEach(p -> System.out.printf("%-15s %s%n", p.name(), p.title()));
            return 0;
        }
        if (only.stream().anyMatch(o -> o.startsWith("timer"))) {
            System.out.println("Timers are measured by the JMH suite (TimerChurnBenchmark):"
                    + " weft-bench/run-jmh.sh TimerChurn");
            if (workloads.isEmpty()) {
                return 0;
            }
        }
        if (workloads.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "no workload matches --only " + String.join(",", only) + "; see --list");
        }
        List<Peer> chosen = peers.stream().map(String::trim).map(Peer::named).distinct().toList();
        Path base = out != null ? out : repoRoot().resolve("bench-results");
        Path dir = base.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);

        progress.println("building the load generator and native peers...");
        Natives natives = Natives.prepare(base.resolve(".build"));
        SuiteConfig config = settle(workloads, chosen, dir);
        Launchers launchers = new Launchers(natives, javaCommand(), System.getProperty("java.class.path"), loops,
                serverJvmFlags);
        progress.printf("%d workload(s) x %d peer(s) x %d round(s); report in %s%n", workloads.size(), chosen.size(),
                config.rounds(), dir);
        Suite suite = new Suite(config, launchers, natives.loadgen(), progress);
        Suite.Results results = suite.run(Machine.describe(natives));
        lastResults = results;
        lastReport = Report.write(results);
        progress.println("report: " + lastReport);
        return 0;
    }

    private int soak() throws IOException {
        Duration length = parseDuration(soak);
        boolean peersGiven = !peers.equals(Peer.ALL.stream().map(Peer::name).toList());
        Peer peer = Peer.named(peersGiven ? peers.getFirst().trim() : "weft");
        Path base = out != null ? out : repoRoot().resolve("bench-results");
        Path dir = base.resolve("soak-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        progress.println("building the load generator...");
        Natives natives = Natives.prepare(base.resolve(".build"));
        List<String> jvmFlags = new ArrayList<>(Soak.serverJvmFlags(c10kConns, dir));
        jvmFlags.addAll(serverJvmFlags); // after ours: the command line's win
        Launchers.Launch launch = new Launchers(natives, javaCommand(), System.getProperty("java.class.path"), loops,
                jvmFlags).of(peer);
        if (launch.command() == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), peer.name() + " cannot run here: " + launch.skip());
        }
        String[] cpus = pinning();
        String machine = String.format(java.util.Locale.ROOT, "Machine: %d CPUs, load average %.2f at the start; `%s`.",
                Runtime.getRuntime().availableProcessors(), Machine.loadAverage(),
                "weft bench " + String.join(" ", args));
        try {
            Path md = new Soak(natives.loadgen(), dir, cpus[0], cpus[1], progress)
                    .run(peer, launch.command(), length, c10kConns, churn, machine);
            progress.println(Files.readString(md).lines().limit(9).reduce("", (a, b) -> a + b + "\n"));
            progress.println("report: " + md);
            lastReport = md;
            return 0;
        } catch (Child.ChildFailure e) {
            progress.println("soak failed: " + e.getMessage() + " (logs in " + dir + ")");
            return 1;
        }
    }

    /** {@code 30m}, {@code 2m}, {@code 90s}, {@code 1h}, or plain seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            long n = Long.parseLong(t.replaceAll("[smh]$", ""));
            Duration d = t.endsWith("h") ? Duration.ofHours(n) : t.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
            if (d.toSeconds() < 5) {
                throw new IllegalArgumentException("too short");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(new BenchMain()),
                    "--soak takes a duration of at least 5 s: 30m, 2m, 90s, 1h; not '" + text + "'");
        }
    }

    /** The options, with the defaults of a full or a quick run filled in. */
    private SuiteConfig settle(List<Workload> workloads, List<Peer> chosen, Path dir) {
        long mib = bulkMib != null ? bulkMib : quick ? 256 : 1024;
        String[] cpus = pinning();
        return new SuiteConfig(quick, workloads, chosen,
                rounds != null ? rounds : quick ? 1 : 3,
                loops,
                warmup != null ? warmup : quick ? 0.4 : 2.0,
                duration != null ? duration : quick ? 0.8 : 3.5,
                mib << 20,
                Math.max(16, mib / 4) << 20,
                cpus[0], cpus[1], dir,
                "weft bench" + (args.length == 0 ? "" : " " + String.join(" ", args)));
    }

    private List<Workload> selectWorkloads() {
        List<Workload> all = Workload.all(c10kConns);
        if (only.isEmpty()) {
            return all;
        }
        return all.stream().filter(w -> only.stream().map(String::trim)
                .anyMatch(o -> w.name().equals(o) || w.name().startsWith(o + "-"))).toList();
    }

    /** Server CPUs and generator CPUs for taskset: the first half of the CPUs and the rest. */
    private String[] pinning() {
        int n = Runtime.getRuntime().availableProcessors();
        if (noPin || n < 2 || !Exec.onPath("taskset")) {
            return new String[] {null, null};
        }
        int half = n / 2;
        String servers = half == 1 ? "0" : "0-" + (half - 1);
        String generator = half == n - 1 ? Integer.toString(half) : half + "-" + (n - 1);
        return new String[] {servers, generator};
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The checkout this runs from: the jar is weft-bench/target/weft-bench.jar (or, in tests,
     * classes in weft-bench/target/classes), three levels below the root. Else the working directory.
     */
    static Path repoRoot() {
        try {
            Path here = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = here.getParent() == null ? null : here.getParent().getParent();
            root = root == null ? null : root.getParent();
            if (root != null && Files.isDirectory(root.resolve("weft-bench"))) {
                return root;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // Fall back below.
        }
        return Path.of("").toAbsolutePath();
    }

    /** For the smoke test: runs with these arguments, progress to {@code progress}. */
    static BenchMain run(PrintStream progress, String... args) {
        BenchMain main = new BenchMain();
        main.args = Arrays.copyOf(args, args.length);
        main.progress = progress;
        int status = new CommandLine(main).execute(args);
        if (status != 0) {
            throw new IllegalStateException("weft bench " + String.join(" ", args) + " exited with " + status);
        }
        return main;
    }
}
