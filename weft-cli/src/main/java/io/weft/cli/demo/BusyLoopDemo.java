package io.weft.cli.demo;

import io.weft.cli.WeftVersion;
import io.weft.future.Promise;
import io.weft.green.Green;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopWarning;
import io.weft.net.ConnectOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft demo busy-loop}: seed 004's experiment. One green thread writes 40 MB to a slow
 * reader while another computes without pause. Run once without yielding, once yielding every
 * millisecond, and print what each did to the write, with the debug-mode warning that names the
 * culprit.
 */
@Command(name = "busy-loop", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"A 40 MB write to a slow reader beside a CPU-bound green thread:",
            "without yield the write stalls and debug mode names the hog; with yield both progress."})
public final class BusyLoopDemo implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--megabytes", defaultValue = "40", description = "How much to write (default: ${DEFAULT-VALUE} MB).")
    private int megabytes;

    @Option(names = "--cpu-ms", defaultValue = "1500", description = "How long the hog computes (default: ${DEFAULT-VALUE} ms).")
    private long cpuMillis;

    @Option(names = "--slow-ms", defaultValue = "100",
            description = "Debug mode's slow-callback threshold (default: ${DEFAULT-VALUE} ms).")
    private long slowMillis;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("writing %d MB to a reader that takes 256 KiB every 2 ms, beside a green thread computing for %d ms%n%n",
                megabytes, cpuMillis);
        Result hog = run(false);
        print(out, "without yield", hog);
        Result polite = run(true);
        print(out, "with Green.yieldNow() every 1 ms", polite);
        out.printf("%nthe write's longest stall: %d ms without yield, %d ms with it%n", hog.longestStallMs,
                polite.longestStallMs);
        out.flush();
        return 0;
    }

    /** What one run saw. */
    record Result(long writeMs, long longestStallMs, long hogMs, List<String> warnings) {
    }

    Result run(boolean yielding) throws Exception {
        List<String> warnings = new ArrayList<>();
        LoopConfig config = LoopConfig.builder()
                .threadName("demo")
                .debug(true)
                .slowCallbackThreshold(Duration.ofMillis(slowMillis))
                .exceptionHandler((loop, context, error) -> {
                    if (error instanceof LoopWarning.SlowCallback slow) {
                        warnings.add(slow.getMessage());
                    } else {
                        warnings.add(context + ": " + error);
                    }
                })
                .build();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                EventLoop loop = EventLoop.create(config)) {
            Thread reader = Thread.ofPlatform().name("slow-reader").start(() -> slowRead(listener));
            long bytes = (long) megabytes * 1_000_000;
            long[] longestStall = {0};
            Promise<Void> writing = loop.newPromise();
            Promise<Long> writer = Green.spawn(loop, "writer", () -> {
                long start = System.nanoTime();
                try (GreenSocket s = GreenSocket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        listener.getLocalPort()), ConnectOptions.defaults())) {
                    ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
                    long last = System.nanoTime();
                    for (long sent = 0; sent < bytes; sent += chunk.capacity()) {
                        chunk.clear();
                        s.write(chunk);
                        long now = System.nanoTime();
                        longestStall[0] = Math.max(longestStall[0], now - last);
                        last = now;
                        writing.complete(null);
                    }
                }
                return System.nanoTime() - start;
            });
            Promise<Long> hog = Green.spawn(loop, "cpu-hog", () -> {
                Green.await(writing); // let the write get going first
                long start = System.nanoTime();
                long end = start + TimeUnit.MILLISECONDS.toNanos(cpuMillis);
                long nextYield = start + 1_000_000;
                long x = 0;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1000; i++) {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                    if (yielding && System.nanoTime() >= nextYield) {
                        Green.yieldNow();
                        nextYield = System.nanoTime() + 1_000_000;
                    }
                }
                if (x == 42) {
                    System.out.print(""); // keep the computation from being optimised away
                }
                return System.nanoTime() - start;
            });
            loop.runUntilComplete(Promise.all(loop, List.of(writer, hog)));
            reader.join(10_000);
            return new Result(TimeUnit.NANOSECONDS.toMillis(writer.resultNow()),
                    TimeUnit.NANOSECONDS.toMillis(longestStall[0]), TimeUnit.NANOSECONDS.toMillis(hog.resultNow()),
                    warnings);
        }
    }

    private static void slowRead(ServerSocket listener) {
        try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
            byte[] buf = new byte[256 * 1024];
            while (in.readNBytes(buf, 0, buf.length) > 0) {
                Thread.sleep(2);
            }
        } catch (IOException | InterruptedException e) {
            // the demo is over
        }
    }

    private static void print(PrintWriter out, String title, Result r) {
        out.printf("%s:%n  write of the whole payload: %d ms (longest stall %d ms)%n  cpu-hog computed for: %d ms%n",
                title, r.writeMs, r.longestStallMs, r.hogMs);
        if (r.warnings.isEmpty()) {
            out.printf("  debug mode: no slow-callback warnings%n");
        } else {
            for (String w : r.warnings) {
                out.printf("  debug mode warned: %s%n", w);
            }
        }
    }
}
