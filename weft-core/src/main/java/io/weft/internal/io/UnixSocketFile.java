package io.weft.internal.io;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The file a listening Unix domain socket lives at: binding creates it, and the kernel leaves
 * it behind when the socket closes (or its process dies), so Weft removes it on close and
 * deals with one left over at bind.
 *
 * <p>A leftover file is <em>stale</em> when it is a socket and a connection attempt to it is
 * refused: nobody listens. Only then is it removed and the bind retried; a file of another
 * kind, or a socket that someone answers on, is left alone and the bind fails saying so.
 * The probe is a non-blocking connect, which on a Unix socket answers at once. Hazard: two
 * servers starting on one path in the same instant can race (one may probe the other between
 * its bind and listen, see it refuse, and remove its fresh file); that needs a lock file,
 * which is the application's call.
 *
 * @param path the socket file
 * @param key  its identity (device and inode) when bound, or null where the platform has none:
 *             on close the file is removed only if it is still this one, since after ours was
 *             removed by hand another server may have bound the same path
 */
public record UnixSocketFile(Path path, Object key) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /** Binds one socket to its address and starts listening; returns the path it got. */
    @FunctionalInterface
    public interface Binder {
        Path bindAndListen() throws IOException;
    }

    /**
     * Binds a listening socket to {@code address} through {@code binder}, clearing a stale file
     * first if needed: when the first bind fails with {@link BindException}, a leftover file
     * that nobody answers on is removed and the bind tried once more.
     */
    public static UnixSocketFile bind(UnixDomainSocketAddress address, Binder binder) throws IOException {
        Path path = address.getPath();
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new BindException(path + " is a directory; a Unix socket needs a path for a new file");
        }
        Path bound;
        try {
            bound = binder.bindAndListen();
        } catch (BindException inUse) {
            removeIfStale(path, inUse);
            bound = binder.bindAndListen();
        }
        return new UnixSocketFile(bound, keyOf(bound));
    }

    /** Binds {@code channel} to {@code address}, clearing a stale file first if needed. */
    public static UnixSocketFile bind(ServerSocketChannel channel, UnixDomainSocketAddress address, int backlog)
            throws IOException {
        return bind(address, () -> {
            channel.bind(address, backlog);
            return ((UnixDomainSocketAddress) channel.getLocalAddress()).getPath();
        });
    }

    /** Removes the file at {@code path} if it is a stale socket, else throws why not. */
    private static void removeIfStale(Path path, BindException inUse) throws IOException {
        boolean socket;
        try {
            socket = isSocket(path);
        } catch (NoSuchFileException gone) {
            return; // removed meanwhile: the retry may well succeed
        }
        if (!socket) {
            throw bindFailure(path + " exists and is not a socket; remove it or choose another path", inUse);
        }
        if (someoneListens(path)) {
            throw bindFailure(path + " is in use: a server accepts connections on it; stop that server or "
                    + "choose another path", inUse);
        }
        Files.deleteIfExists(path);
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            // No "unix" attribute view: "other" (not a file, directory or link) is the closest.
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        }
    }

    /**
     * Whether a connection to {@code path} is answered. Only "Connection refused" (ECONNREFUSED:
     * bound, nobody listening) counts as no; anything else, such as EAGAIN from a full
     * backlog, means someone is there. If a server does listen it sees a connection that
     * closes at once.
     */
    private static boolean someoneListens(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException e) {
            return e.getMessage() == null || !e.getMessage().contains("Connection refused");
        } catch (IOException e) {
            return true;
        }
    }

    private static BindException bindFailure(String message, BindException cause) {
        BindException e = new BindException(message);
        e.initCause(cause);
        return e;
    }

    private static Object keyOf(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Removes the socket file if it is still the one this socket made. Call after closing the
     * socket; the kernel does not remove the file itself.
     */
    public void remove() throws IOException {
        Object now;
        try {
            now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException gone) {
            return;
        }
        if (key == null || Objects.equals(key, now)) {
            Files.deleteIfExists(path);
        }
    }
}
