package io.weft.cli.file;

import io.weft.cli.WeftVersion;
import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft demo read-file PATH}: seed 000's {@code data = f.read()}. Runs
 * {@code cat PATH > /dev/null} first (the peer, in the same run), then reads the whole file with
 * {@link AsyncFile#readAll()} on one loop, and prints a line for each: bytes, time, GB/s, CPU
 * seconds per GB, and for Weft's read the SHA-256 of what it read (computed afterwards, not
 * timed). With {@code --drop-caches} (root) the page cache is dropped before each read, so both
 * read from the device.
 */
@Command(name = "read-file", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Reads PATH whole with AsyncFile.readAll and prints bytes, time, GB/s and SHA-256,",
            "then the same for `cat PATH > /dev/null`, run just before."})
public final class ReadFileDemo implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "The file to read.")
    private Path path;

    @Option(names = "--direct", description = "Open with O_DIRECT (bypasses the page cache).")
    private boolean direct;

    @Option(names = "--reuse", description = {"Read into a buffer already read into once (untimed), instead of a",
        "fresh one: shows the read without the cost of faulting in new memory."})
    private boolean reuse;

    @Option(names = "--drop-caches", description = "Drop the page cache before each read (needs root).")
    private boolean dropCaches;

    @Option(names = "--poller", paramLabel = "KIND", description = {"The loop's backend: nio, poll, epoll or io_uring",
        "(default: the best here). io_uring reads through the ring; the others on the offload pool."})
    private String poller;

    private LoopConfig.Builder config(String threadName) {
        LoopConfig.Builder b = LoopConfig.builder().threadName(threadName);
        return poller == null ? b : b.poller(io.weft.loop.PollerKind.parse(poller));
    }

    private String who() {
        return poller == null ? "weft" : "weft-" + poller;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long size = Files.size(path);
        warmUp();
        if (dropCaches) {
            Peers.dropCaches();
        }
        Rate cat = Peers.run("cat", "cat \"$1\" > /dev/null", size, path);
        if (dropCaches) {
            Peers.dropCaches();
        }
        Rate weft = reuse ? readAllReusing(size) : readAll();
        out.println(weft.line());
        out.println(cat.line());
        out.printf("%s/cat: %.2fx the rate%n", who(), weft.gigabytesPerSecond() / cat.gigabytesPerSecond());
        out.flush();
        return 0;
    }

    /**
     * Runs the read path a few times on a small file of its own first, untimed, so the timed run
     * measures the read and not the JIT compiler and class loading (cat is warm from the start).
     */
    private void warmUp() throws Exception {
        Path small = Files.createTempFile("weft-read-file-warmup", ".bin");
        try {
            Files.write(small, new byte[16 << 20]);
            try (EventLoop loop = EventLoop.create(config("read-file-warmup").build())) {
                for (int i = 0; i < 3; i++) {
                    loop.runUntilComplete(AsyncFile.open(loop, small).flatMap(f -> Closing.use(f, AsyncFile::readAll)));
                }
            }
        } finally {
            Files.deleteIfExists(small);
        }
    }

    private Rate readAllReusing(long size) throws Exception {
        try (EventLoop loop = EventLoop.create(config("read-file").build())) {
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, path,
                    direct ? new FileOption[] {FileOption.READ, FileOption.DIRECT} : new FileOption[] {FileOption.READ}));
            int capacity = (int) ((size + f.alignment() - 1) / f.alignment() * f.alignment());
            ByteBuffer buffer = f.allocateAligned(capacity);
            loop.runUntilComplete(f.readAll(buffer)); // faults the buffer in; untimed
            if (dropCaches) {
                Peers.dropCaches();
            }
            buffer.clear();
            long cpu0 = Rate.processCpuNanos();
            long t0 = System.nanoTime();
            int n = loop.runUntilComplete(f.readAll(buffer));
            long nanos = System.nanoTime() - t0;
            long cpu = Rate.processCpuNanos() - cpu0;
            loop.runUntilComplete(f.close());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(buffer.position(0));
            return new Rate(who(), n, nanos, cpu, HexFormat.of().formatHex(sha.digest()));
        }
    }

    private Rate readAll() throws Exception {
        try (EventLoop loop = EventLoop.create(config("read-file").build())) {
            long cpu0 = Rate.processCpuNanos();
            long t0 = System.nanoTime();
            ByteBuffer data = loop.runUntilComplete(AsyncFile.open(loop, path,
                            direct ? new FileOption[] {FileOption.READ, FileOption.DIRECT} : new FileOption[] {FileOption.READ})
                    .flatMap(f -> Closing.use(f, AsyncFile::readAll)));
            long nanos = System.nanoTime() - t0;
            long cpu = Rate.processCpuNanos() - cpu0;
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long bytes = data.remaining();
            sha.update(data);
            return new Rate(who(), bytes, nanos, cpu, HexFormat.of().formatHex(sha.digest()));
        }
    }
}
