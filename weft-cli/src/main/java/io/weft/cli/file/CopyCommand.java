package io.weft.cli.file;

import io.weft.cli.WeftVersion;
import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft copy SRC DST}: copies a file with {@link AsyncFile#copy} (inside the kernel with
 * {@code copy_file_range}, as {@code cp} does, on the offload pool), or with {@code --read-write}
 * through asynchronous positional reads and writes on one loop, several chunks in flight
 * ({@link FileCopy}), or with {@code --zero-copy} through {@link AsyncFile#transferTo} (the JDK's
 * {@code copy_file_range}) on two open files; then prints the bytes, the time, the rate and the
 * CPU spent per GB. The target is created or truncated.
 */
@Command(name = "copy", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Copy SRC to DST with AsyncFile.copy (copy_file_range on the offload pool).",
            "Prints bytes, time, GB/s and CPU seconds per GB."})
public final class CopyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The file to copy.")
    private Path source;

    @Parameters(index = "1", paramLabel = "DST", description = "Where to (created, or truncated if it exists).")
    private Path target;

    @Option(names = "--read-write", description = {"Copy through buffers with async positional reads and writes",
        "(--chunk-kib, --depth) instead of AsyncFile.copy."})
    private boolean readWrite;

    @Option(names = "--chunk-kib", defaultValue = "4096", description = "With --read-write: bytes per read and write, in KiB (default: ${DEFAULT-VALUE}).")
    private int chunkKib;

    @Option(names = "--depth", defaultValue = "4", description = "With --read-write: chunks in flight at once (default: ${DEFAULT-VALUE}).")
    private int depth;

    @Option(names = "--zero-copy", description = {"Copy with AsyncFile.transferTo between two open files",
        "(the JDK's copy_file_range), 64 MiB at a time, instead of AsyncFile.copy."})
    private boolean zeroCopy;

    @Option(names = "--fsync", description = "Sync the target to the device before reporting.")
    private boolean fsync;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (chunkKib < 1 || depth < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--chunk-kib and --depth must be 1 or more");
        }
        try (EventLoop loop = EventLoop.create(LoopConfig.builder().threadName("weft-copy").build())) {
            warmUp(loop);
            long cpu0 = Rate.processCpuNanos();
            long t0 = System.nanoTime();
            long bytes = loop.runUntilComplete(copy(loop));
            Rate r = new Rate("weft", bytes, System.nanoTime() - t0, Rate.processCpuNanos() - cpu0, "-");
            out.println("copied " + source + " to " + target);
            out.println(r.line());
        }
        out.flush();
        return 0;
    }

    /**
     * Copies a small file of its own twice the same way first, untimed, so the timed copy measures
     * the copy and not class loading, the linking of native calls and the pool's first threads
     * (some 150 ms in a fresh JVM; cp pays nothing like it).
     */
    private void warmUp(EventLoop loop) throws Exception {
        Path from = java.nio.file.Files.createTempFile("weft-copy-warmup", ".bin");
        Path to = java.nio.file.Files.createTempFile("weft-copy-warmup", ".out");
        Path[] real = {source, target};
        try {
            java.nio.file.Files.write(from, new byte[1 << 20]);
            source = from;
            target = to;
            for (int i = 0; i < 2; i++) {
                loop.runUntilComplete(copy(loop));
            }
        } finally {
            source = real[0];
            target = real[1];
            java.nio.file.Files.deleteIfExists(from);
            java.nio.file.Files.deleteIfExists(to);
        }
    }

    /** {@code [position, size)} by transferTo, one 64 MiB step at a time (so a close can come between). */
    private static Promise<Long> transfer(AsyncFile from, AsyncFile to, long position, long size) {
        if (position >= size) {
            return Promise.completed(from.loop(), position);
        }
        return from.transferTo(position, Math.min(64L << 20, size - position), to).flatMap(n -> n == 0
                ? Promise.failed(from.loop(), new java.io.EOFException("copy " + from.path() + ": the file ended at byte "
                        + position + "; it shrank during the copy"))
                : transfer(from, to, position + n, size));
    }

    private Promise<Long> copy(EventLoop loop) {
        if (!readWrite && !zeroCopy) {
            Promise<Long> copied = AsyncFile.copy(loop, source, target);
            return !fsync ? copied : copied.flatMap(n -> AsyncFile.open(loop, target, FileOption.WRITE)
                    .flatMap(f -> Closing.use(f, AsyncFile::fsync)).map(v -> n));
        }
        if (readWrite && zeroCopy) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--read-write and --zero-copy are two ways: pick one");
        }
        return AsyncFile.open(loop, source).flatMap(opened -> Closing.use(opened, from ->
                AsyncFile.open(loop, target, FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE)
                        .flatMap(created -> Closing.use(created, to -> from.size()
                                .flatMap(size -> zeroCopy ? transfer(from, to, 0, size)
                                        : FileCopy.start(loop, from, to, size, chunkKib * 1024, depth))
                                .flatMap(n -> fsync ? to.fsync().map(v -> n) : Promise.completed(loop, n))))));
    }
}
