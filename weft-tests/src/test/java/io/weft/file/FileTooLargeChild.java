package io.weft.file;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

/**
 * Run by {@link FileTooLargeTest} in a JVM under a file-size limit ({@code ulimit -f}): writes
 * and copies past the limit on a loop of the poller named by the first argument, into the
 * directory named by the second, and prints one line per call with what it gave, for the test
 * to read. A limit the kernel enforces with {@code EFBIG} cannot be set inside the test's own
 * JVM without limiting every other test's files too.
 */
public final class FileTooLargeChild {
    private FileTooLargeChild() {}

    public static void main(String[] args) throws Exception {
        PollerKind poller = PollerKind.valueOf(args[0]);
        Path dir = Path.of(args[1]);
        try (EventLoop loop = EventLoop.create(LoopConfig.builder().poller(poller).build())) {
            AsyncFile big = loop.runUntilComplete(AsyncFile.open(loop, dir.resolve("written"),
                    FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE));
            report("write", () -> loop.runUntilComplete(big.write(0, ByteBuffer.allocate(4 << 20))));
            loop.runUntilComplete(big.close());
            report("copy", () -> loop.runUntilComplete(AsyncFile.copy(loop, dir.resolve("source"), dir.resolve("copied"))));
            // The loop and the files under the limit are unaffected.
            AsyncFile small = loop.runUntilComplete(AsyncFile.open(loop, dir.resolve("small"),
                    FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE));
            report("small", () -> loop.runUntilComplete(small.write(0, ByteBuffer.allocate(1000))));
            loop.runUntilComplete(small.close());
        }
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void report(String name, Call call) {
        try {
            System.out.println(name + " ok " + call.run());
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            System.out.println(name + " failed " + cause.getClass().getName() + ": " + cause.getMessage());
        } catch (Exception e) {
            System.out.println(name + " threw " + e);
        }
    }
}
