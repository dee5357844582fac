package io.weft.internal.file;

import io.weft.file.FileClosedException;
import io.weft.file.FileException;
import io.weft.file.FileTooLargeException;
import io.weft.file.IsADirectoryException;
import io.weft.file.NoSpaceLeftException;
import io.weft.file.NoSuchPathException;
import io.weft.file.NonEmptyDirectoryException;
import io.weft.file.NotADirectoryException;
import io.weft.file.PathExistsException;
import io.weft.file.PermissionDeniedException;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.FileSys;
import io.weft.internal.sys.SysErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The one place where a file failure gets its type: a JDK exception from a file call becomes
 * the {@link FileException} subclass that names its cause, with the call and the path.
 *
 * <p>The JDK maps a few errno values to exception classes ({@code NoSuchFileException},
 * {@code AccessDeniedException}, ...) and reports the rest as an {@link IOException} or
 * {@link FileSystemException} whose reason is the C library's {@code strerror} text; those are
 * matched by that text, which is English in the C and POSIX locales the JVM runs in unless the
 * environment says otherwise. Anything unrecognised stays a plain {@code FileException} with the
 * JDK's exception as its cause, so nothing is lost.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** {@code error}, from {@code call} on {@code path}, as a typed exception. */
    public static IOException translate(String call, Path path, Throwable error) {
        if (error instanceof UncheckedIOException u) {
            error = u.getCause();
        }
        if (error instanceof FileException already) {
            return already;
        }
        if (error instanceof ClosedChannelException) { // includes AsynchronousCloseException
            return new FileClosedException(call, path, error);
        }
        if (error instanceof NoSuchFileException) {
            return new NoSuchPathException(call, path, error);
        }
        if (error instanceof AccessDeniedException) {
            return new PermissionDeniedException(call, path, error);
        }
        if (error instanceof FileAlreadyExistsException) {
            return new PathExistsException(call, path, error);
        }
        if (error instanceof DirectoryNotEmptyException) {
            return new NonEmptyDirectoryException(call, path, error);
        }
        if (error instanceof NotDirectoryException) {
            return new NotADirectoryException(call, path, error);
        }
        String reason = error instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : error.getMessage();
        if (reason != null) {
            switch (reason) {
                case "Is a directory":
                    return new IsADirectoryException(call, path, error);
                case "Not a directory":
                    return new NotADirectoryException(call, path, error);
                case "No space left on device", "Disk quota exceeded":
                    return new NoSpaceLeftException(call, path, error);
                case "File too large":
                    return new FileTooLargeException(call, path, error);
                case "Permission denied", "Operation not permitted":
                    return new PermissionDeniedException(call, path, error);
                case "No such file or directory":
                    return new NoSuchPathException(call, path, error);
                case "File exists":
                    return new PathExistsException(call, path, error);
                case "Directory not empty":
                    return new NonEmptyDirectoryException(call, path, error);
                default:
                    break;
            }
        }
        return new FileException(call, path, reason == null ? error.toString() : lower(reason), error);
    }

    /**
     * A failed native call's {@code errno} on {@code path} as a typed exception: the raw-call
     * counterpart of {@link #translate}, for the file code that calls the kernel itself (a copy
     * with {@code copy_file_range}). The cause is {@link SysErrors}' exception, which names the
     * system call and the errno.
     *
     * @param sysCall the system call, as the cause's message should name it ({@code "copy_file_range"})
     */
    public static IOException fromErrno(String call, Path path, String sysCall, int errno) {
        IOException cause = SysErrors.exception(sysCall, errno);
        return switch (errno) {
            case Errno.ENOENT -> new NoSuchPathException(call, path, cause);
            case Errno.EACCES, Errno.EPERM -> new PermissionDeniedException(call, path, cause);
            case Errno.EEXIST -> new PathExistsException(call, path, cause);
            case Errno.ENOTDIR -> new NotADirectoryException(call, path, cause);
            case Errno.ENOSPC, FileSys.EDQUOT -> new NoSpaceLeftException(call, path, cause);
            case FileSys.EISDIR -> new IsADirectoryException(call, path, cause);
            case FileSys.EFBIG -> new FileTooLargeException(call, path, cause);
            case Errno.EBADF -> new FileClosedException(call, path, cause);
            default -> new FileException(call, path, cause.getMessage(), cause); // "copy_file_range: EIO (Input/output error)"
        };
    }

    private static String lower(String reason) {
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
