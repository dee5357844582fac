package io.weft.internal.file.pool;

import io.weft.file.FileException;
import io.weft.file.FileTooLargeException;
import io.weft.file.IsADirectoryException;
import io.weft.file.NoSpaceLeftException;
import io.weft.internal.file.FileErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * A copy's two files as JDK channels, where the native calls cannot run (not Linux, or native
 * access not enabled): {@link FileChannel#transferTo}, which on Linux is itself
 * {@code copy_file_range} with the JDK's own fallbacks. Steps of {@value #CALL} bytes, a stop
 * request looked at between them.
 */
final class ChannelCopyEnds implements CopyEnds {
    static final long CALL = 16L << 20;

    private final Path source;
    private final Path target;
    private final FileChannel in;
    private final FileChannel out;
    private long position;

    private ChannelCopyEnds(Path source, Path target, FileChannel in, FileChannel out) {
        this.source = source;
        this.target = target;
        this.in = in;
        this.out = out;
    }

    static ChannelCopyEnds open(Path source, Path target) throws IOException {
        if (Files.isDirectory(source)) {
            throw new IsADirectoryException("copy", source, null);
        }
        if (Files.exists(target) && Files.isSameFile(source, target)) {
            throw new FileException("copy", target, "is the same file as " + source + "; nothing was copied", null);
        }
        FileChannel in;
        try {
            in = FileChannel.open(source, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            throw FileErrors.translate("copy", source, e);
        }
        try {
            return new ChannelCopyEnds(source, target, in, FileChannel.open(target, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw FileErrors.translate("copy", target, e);
        }
    }

    @Override
    public long step(long max, BooleanSupplier stop) throws IOException {
        long done = 0;
        try {
            while (done < max && !stop.getAsBoolean()) {
                long n = in.transferTo(position, Math.min(CALL, max - done), out);
                if (n <= 0) {
                    break; // the end of the source
                }
                position += n;
                done += n;
            }
        } catch (IOException | RuntimeException e) {
            IOException typed = FileErrors.translate("copy", source, e);
            // A full or limited file system is the target's fault, not the source's.
            throw typed instanceof NoSpaceLeftException || typed instanceof FileTooLargeException
                    ? FileErrors.translate("copy", target, e) : typed;
        }
        return done;
    }

    @Override
    public void close() {
        try (in; out) {
            // closed by try-with-resources
        } catch (IOException e) {
            // nothing to tell: the copy's outcome is already decided
        }
    }
}
