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
 * {@code weft copy SRC DST}: copies a file with asynchronous positional reads and writes on one
 * loop, several chunks in flight ({@link FileCopy}), or with {@code --zero-copy} inside the kernel
 * ({@link AsyncFile#transferTo}, as {@code cp} does with {@code copy_file_range}), and prints the
 * bytes, the time, the rate and the CPU spent per GB. The target is created or truncated.
 */
@Command(name = "copy", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Copies SRC to DST with async reads and writes (several chunks in flight),",
            "then prints bytes, time, GB/s and CPU seconds per GB."})
public final class CopyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The file to copy.")
    private Path source;

    @Parameters(index = "1", paramLabel = "DST", description = "Where to (created, or truncated if it exists).")
    private Path target;

    @Option(names = "--chunk-kib", defaultValue = "4096", description = "Bytes per read and write, in KiB (default: ${DEFAULT-VALUE}).")
    private int chunkKib;

    @Option(names = "--depth", defaultValue = "4", description = "Chunks in flight at once (default: ${DEFAULT-VALUE}).")
    private int depth;

    @Option(names = "--zero-copy", description = {"Copy inside the kernel (copy_file_range, through AsyncFile.transferTo),",
        "64 MiB at a time, instead of reading into and writing from buffers."})
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
        return AsyncFile.open(loop, source).flatMap(opened -> Closing.use(opened, from ->
                AsyncFile.open(loop, target, FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE)
                        .flatMap(created -> Closing.use(created, to -> from.size()
                                .flatMap(size -> zeroCopy ? transfer(from, to, 0, size)
                                        : FileCopy.start(loop, from, to, size, chunkKib * 1024, depth))
                                .flatMap(n -> fsync ? to.fsync().map(v -> n) : Promise.completed(loop, n))))));
    }
}
