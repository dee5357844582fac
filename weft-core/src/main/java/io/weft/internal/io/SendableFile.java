package io.weft.internal.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A file opened read-only for a {@link FileSender}: a JDK channel (what NIO's
 * {@code transferTo} takes) and its descriptor number (what {@code sendfile(2)} takes).
 *
 * <p>Opened by path, on a thread that may block (the offload pool), never on the loop: see
 * {@link #open}. The descriptor number comes from {@code sun.nio.ch.IOUtil.fdVal}, reachable with
 * the {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} the epoll backend needs anyway; -1
 * without it. The file (and so the descriptor) is owned by this object from {@link #open} to
 * {@link #close()}; closing a regular file's descriptor does not block, so the loop may close it.
 */
public final class SendableFile implements AutoCloseable {
    private static final MethodHandle FD_VAL;

    static {
        MethodHandle h = null;
        try {
            Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
            h = MethodHandles.lookup().findStatic(ioUtil, "fdVal",
                    MethodType.methodType(int.class, java.io.FileDescriptor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not exported to us: descriptor() is -1, and the native path is not offered
        }
        FD_VAL = h;
    }

    private final Path path;
    private final RandomAccessFile file;
    private final FileChannel channel;
    private final int fd;
    private final long size;

    private SendableFile(Path path, RandomAccessFile file) throws IOException {
        this.path = path;
        this.file = file;
        this.channel = file.getChannel();
        this.fd = fdOf(file);
        this.size = channel.size();
    }

    /** Whether {@link #descriptor()} will be known: whether a native backend can {@code sendfile}. */
    public static boolean descriptorsKnown() {
        return FD_VAL != null;
    }

    /**
     * Opens {@code path} for reading. Blocking (a path lookup and {@code open(2)}): call it on the
     * offload pool. Failures are the JDK's {@code FileSystemException}s (the reason is
     * {@code strerror}'s text), for {@code internal.file.FileErrors} to type.
     */
    public static SendableFile open(Path path) throws IOException {
        RandomAccessFile f;
        try {
            f = new RandomAccessFile(path.toFile(), "r");
        } catch (FileNotFoundException e) {
            // RandomAccessFile says "PATH (REASON)" for every failure of open(2): keep the reason.
            String m = e.getMessage();
            int open = m == null ? -1 : m.lastIndexOf(" (");
            String reason = open >= 0 && m.endsWith(")") ? m.substring(open + 2, m.length() - 1) : m;
            FileSystemException typed = new FileSystemException(path.toString(), null, reason);
            typed.initCause(e);
            throw typed;
        }
        try {
            return new SendableFile(path, f);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static int fdOf(RandomAccessFile f) throws IOException {
        if (FD_VAL == null) {
            return -1;
        }
        try {
            return (int) FD_VAL.invokeExact(f.getFD());
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            return -1;
        }
    }

    public Path path() {
        return path;
    }

    /** The file's channel, for {@code FileChannel.transferTo}. */
    public FileChannel channel() {
        return channel;
    }

    /** The descriptor number, or -1 when it cannot be known (see {@link #descriptorsKnown()}). */
    public int descriptor() {
        return fd;
    }

    /** The file's size when it was opened. */
    public long size() {
        return size;
    }

    /** Closes the file. Idempotent; any thread. */
    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException ignored) {
            // read-only: nothing was lost
        }
    }

    @Override
    public String toString() {
        return "SendableFile[" + path + ", fd " + fd + "]";
    }
}
