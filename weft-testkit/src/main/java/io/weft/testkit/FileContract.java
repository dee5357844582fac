package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.file.AsyncFile;
import io.weft.file.FileException;
import io.weft.file.FileOption;
import io.weft.file.IsADirectoryException;
import io.weft.file.NoSpaceLeftException;
import io.weft.file.NoSuchPathException;
import io.weft.file.NonEmptyDirectoryException;
import io.weft.file.NotADirectoryException;
import io.weft.file.PathExistsException;
import io.weft.file.PermissionDeniedException;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

/**
 * What {@code AsyncFile} promises about failures on every file backend, written once: the
 * real backends' tests (the offload pool and io_uring, in {@code weft-tests}) and the simulated
 * file system's ({@code io.weft.testkit.sim.SimFileSystem}) run the same assertions, so the
 * simulation fails with the same types and the same messages as a real disk. Only
 * {@code AsyncFile} is used, so a check runs wherever the loop is.
 *
 * <p>Threading: the thread that runs the loop (the test's).
 */
public final class FileContract {
    private FileContract() {
    }

    /** How a test runs its loop until a promise settles ({@code loop::runUntilComplete}, or a watchdog's version of it). */
    public interface Waiter {
        <T> T await(Promise<T> p);
    }

    /**
     * Each failure typed by cause, naming the call and the path: open of a missing path, of a
     * directory, {@code CREATE_NEW} of an existing file, list of a file, stat of a missing path,
     * delete of a non-empty directory and of a missing path, a path through a file, and options
     * that cannot go together. {@code dir} is an existing empty directory the check may fill.
     */
    public static void typedErrors(EventLoop loop, Path dir, Waiter w) {
        Path missing = dir.resolve("nope");
        assertThat(failure(w, AsyncFile.open(loop, missing))).isInstanceOf(NoSuchPathException.class)
                .hasMessage("open " + missing + ": no such file or directory");
        assertThat(failure(w, AsyncFile.open(loop, dir))).isInstanceOf(IsADirectoryException.class)
                .hasMessageStartingWith("open " + dir);
        Path existing = dir.resolve("here");
        AsyncFile made = w.await(AsyncFile.open(loop, existing, FileOption.WRITE, FileOption.CREATE_NEW));
        w.await(made.write(ByteBuffer.wrap(new byte[] {'x'})));
        w.await(made.close());
        assertThat(failure(w, AsyncFile.open(loop, existing, FileOption.WRITE, FileOption.CREATE_NEW)))
                .isInstanceOf(PathExistsException.class);
        assertThat(failure(w, AsyncFile.list(loop, existing))).isInstanceOf(NotADirectoryException.class)
                .hasMessageStartingWith("list " + existing);
        assertThat(failure(w, AsyncFile.open(loop, existing.resolve("below")))).as("a path through a file")
                .isInstanceOf(NotADirectoryException.class);
        assertThat(failure(w, AsyncFile.stat(loop, missing))).isInstanceOf(NoSuchPathException.class)
                .hasMessageStartingWith("stat " + missing);
        assertThat(failure(w, AsyncFile.delete(loop, dir))).isInstanceOf(NonEmptyDirectoryException.class)
                .hasMessageStartingWith("delete " + dir);
        assertThat(((FileException) failure(w, AsyncFile.delete(loop, missing))).call()).isEqualTo("delete");
        assertThat(failure(w, AsyncFile.rename(loop, missing, dir.resolve("other")))).isInstanceOf(NoSuchPathException.class)
                .hasMessageStartingWith("rename " + missing);
        assertThatThrownBy(() -> AsyncFile.open(loop, existing, FileOption.APPEND, FileOption.READ))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("open the file twice");
    }

    /** {@code e} is what a full disk gives {@code call} on {@code path}: ENOSPC, typed, with the kernel's words. */
    public static void assertNoSpaceLeft(Throwable e, String call, Path path) {
        assertThat(e).isInstanceOf(NoSpaceLeftException.class)
                .hasMessageStartingWith(call + " " + path + ": no space left on device");
        assertThat(((FileException) e).path()).isEqualTo(path);
    }

    /** {@code e} is what opening {@code path} without the right to gives. */
    public static void assertPermissionDenied(Throwable e, Path path) {
        assertThat(e).isInstanceOf(PermissionDeniedException.class).hasMessage("open " + path + ": permission denied");
    }

    /** The failure {@code p} settles with (the cause of what {@link Waiter#await} throws). */
    public static Throwable failure(Waiter w, Promise<?> p) {
        try {
            Object v = w.await(p);
            throw new AssertionError("expected a failure, got " + v);
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
