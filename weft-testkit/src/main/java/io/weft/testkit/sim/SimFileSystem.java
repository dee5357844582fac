package io.weft.testkit.sim;

import io.weft.file.FileException;
import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.file.FileTooLargeException;
import io.weft.file.IsADirectoryException;
import io.weft.file.NoSpaceLeftException;
import io.weft.file.NoSuchPathException;
import io.weft.file.NonEmptyDirectoryException;
import io.weft.file.NotADirectoryException;
import io.weft.file.PathExistsException;
import io.weft.file.PermissionDeniedException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated host's disk: an in-memory tree of directories and files that {@code AsyncFile}
 * (and {@code GreenFile}) use on every loop of the host, through the same backend interface as
 * the offload pool and io_uring. Nothing touches the real disk. Each operation completes after a
 * drawn delay ({@link DiskFaults}), reads and write calls may be short, and failures are the
 * real backends' typed exceptions with the same messages ({@code "open /x: no such file or
 * directory"}):
 * {@link NoSuchPathException}, {@link NotADirectoryException}, {@link IsADirectoryException},
 * {@link PathExistsException}, {@link NonEmptyDirectoryException}, {@link PermissionDeniedException}
 * (paths {@link #deny denied}), {@link NoSpaceLeftException} (past the {@link #capacity}) and
 * {@link FileTooLargeException} (past the {@link #maxFileSize}).
 *
 * <p>Paths are absolute or resolved against {@code /}; {@code /} exists, empty. A directory lists
 * its entries in name order. Symbolic links, owners and modes, and {@code O_DIRECT} are not
 * modelled ({@code lstat} is {@code stat}; opening with {@code DIRECT} fails). Files are not
 * sparse: a hole counts against the capacity as written bytes do, so a {@code truncate} that
 * grows a file past the capacity fails with {@link NoSpaceLeftException} (a real file system
 * would make a hole). A file is at most {@value #MAX_FILE} bytes (one array).
 *
 * <p><b>Crashes</b>: {@link #crash()} is a power cut. Each file goes back to what its last
 * {@code fsync}/{@code fdatasync} made durable (a file never synced is empty), and every open file
 * is closed: operations in flight and later ones fail with {@code FileClosedException}. What
 * happens to names (create, rename, delete, mkdirs) is durable at once, as if every directory
 * were synced; a real file system may lose those too.
 *
 * <p>Threading: the simulation's thread.
 */
public final class SimFileSystem {
    /** The most bytes one simulated file holds: one Java array. */
    public static final long MAX_FILE = Integer.MAX_VALUE - 8;
    /** The capacity a host's disk has unless set: 1 GiB (it is held in the heap). */
    public static final long DEFAULT_CAPACITY = 1L << 30;
    private static final Path ROOT = Path.of("/");
    /** What stat's lastModified counts simulated time from: a fixed instant, never the real clock. */
    private static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final Simulation sim;
    private final Dir root = new Dir();
    private long capacity = DEFAULT_CAPACITY;
    private long maxFileSize = MAX_FILE;
    private long used;
    /** Files opened and not closed since the last crash. */
    private int openFiles;
    private DiskFaults faults = DiskFaults.benign();
    /** Bumped by {@link #crash()}: a handle opened before a crash is closed by it. */
    private int generation;

    SimFileSystem(Simulation sim) {
        this.sim = sim;
    }

    // ---- configuration and inspection (the test's side) ----

    /** Bytes the files may hold together before writes fail with {@link NoSpaceLeftException}. */
    public SimFileSystem capacity(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a capacity is 0 bytes or more, got " + bytes);
        }
        this.capacity = bytes;
        return this;
    }

    public long capacity() {
        return capacity;
    }

    /** Files opened and not yet closed (a crash closes every one). */
    public int openFiles() {
        return openFiles;
    }

    /** Bytes the files hold now (their sizes, summed). */
    public long used() {
        return used;
    }

    /** The size past which a write fails with {@link FileTooLargeException} (EFBIG); at most {@link #MAX_FILE}. */
    public SimFileSystem maxFileSize(long bytes) {
        if (bytes < 0 || bytes > MAX_FILE) {
            throw new IllegalArgumentException("a simulated file holds 0 to " + MAX_FILE + " bytes, not " + bytes);
        }
        this.maxFileSize = bytes;
        return this;
    }

    /** What the disk does to operations from now on. */
    public SimFileSystem faults(DiskFaults f) {
        this.faults = Objects.requireNonNull(f, "faults");
        return this;
    }

    public DiskFaults faults() {
        return faults;
    }

    /** Makes {@code path} (a file or directory) refuse this process: opening, listing, creating in it fail with {@link PermissionDeniedException}. */
    public SimFileSystem deny(Path path) {
        node(path).denied = true;
        return this;
    }

    /** Takes back {@link #deny}. */
    public SimFileSystem allow(Path path) {
        node(path).denied = false;
        return this;
    }

    /** Whether something is at {@code path}. */
    public boolean exists(Path path) {
        try {
            lookup("stat", path);
            return true;
        } catch (FileException e) {
            return false;
        }
    }

    /** The bytes of the file at {@code path} now (what a reader would see), for a test's checks. */
    public byte[] contents(Path path) {
        if (!(node(path) instanceof Data d)) {
            throw new IllegalArgumentException(path + " is a directory");
        }
        return Arrays.copyOf(d.bytes, (int) d.size);
    }

    /**
     * Puts a file at {@code path} with {@code content}, durable, at once (no delay, nothing drawn),
     * creating the directories above it: a test's setup, as {@code Files.write} is on a real disk.
     */
    public SimFileSystem write(Path path, byte[] content) {
        try {
            Path abs = absolute(path);
            if (abs.getParent() != null) {
                mkdirs(abs.getParent());
            }
            Data d = open("write", path, Set.of(FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE));
            d.write("write", path, 0, ByteBuffer.wrap(content), content.length);
            d.sync();
            return this;
        } catch (FileException e) {
            throw new IllegalArgumentException("cannot put a file at " + path + ": " + e.getMessage(), e);
        }
    }

    /** A power cut: see the class comment. Loops and sockets of the host go on. */
    public void crash() {
        generation++;
        openFiles = 0;
        crash(root);
        sim.trace().event(sim.now(), "disk-crash", used);
    }

    private void crash(Dir dir) {
        for (Node n : dir.entries.values()) {
            if (n instanceof Dir d) {
                crash(d);
            } else if (n instanceof Data f) {
                f.restore();
            }
        }
    }

    // ---- the tree ----

    private abstract static sealed class Node permits Dir, Data {
        boolean denied;
        long modified;
    }

    private static final class Dir extends Node {
        /** In name order: a listing is the same every run. */
        final TreeMap<String, Node> entries = new TreeMap<>();
    }

    /** A regular file: its bytes as readers see them, and what was last made durable. */
    final class Data extends Node {
        byte[] bytes = new byte[0];
        long size;
        private byte[] synced = new byte[0];

        /** Whether a crash came after this file's handles were opened ({@code generation} of the handle). */
        boolean crashedSince(int openedAt) {
            return openedAt != generation;
        }

        /** Bytes from {@code position} into {@code dst}, at most {@code max}; -1 at or past the end. */
        int read(long position, ByteBuffer dst, int max) {
            if (position >= size) {
                return max == 0 ? 0 : -1;
            }
            int n = (int) Math.min(max, size - position);
            dst.put(bytes, (int) position, n);
            return n;
        }

        /**
         * Writes up to {@code n} bytes of {@code src} at {@code position}, fewer where the file
         * size limit or the capacity leaves less room (as the kernel writes what fits and fails
         * only the next call); fails when not one byte fits.
         */
        int write(String call, Path path, long position, ByteBuffer src, int n) throws FileException {
            if (position + n > maxFileSize) {
                if (position >= maxFileSize) {
                    throw new FileTooLargeException(call, path, null);
                }
                n = (int) (maxFileSize - position);
            }
            long growth = Math.max(0, position + n - size);
            long free = Math.max(0, capacity - used);
            if (growth > free) {
                n = (int) Math.max(0, free + size - position); // a hole before position takes room too
                if (n == 0) {
                    throw new NoSpaceLeftException(call, path, null);
                }
            }
            resize(position + n > size ? position + n : size);
            src.get(bytes, (int) position, n);
            modified = sim.now();
            return n;
        }

        void truncate(String call, Path path, long newSize) throws FileException {
            if (newSize > maxFileSize) {
                throw new FileTooLargeException(call, path, null);
            }
            if (newSize - size > Math.max(0, capacity - used)) {
                throw new NoSpaceLeftException(call, path, null);
            }
            resize(newSize);
            modified = sim.now();
        }

        private void resize(long newSize) {
            if (newSize > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_FILE, Math.max(newSize, 2L * bytes.length)));
            } else if (newSize < size) {
                Arrays.fill(bytes, (int) newSize, (int) size, (byte) 0); // a later growth reads zeros
            }
            used += newSize - size;
            size = newSize;
        }

        /** What fsync and fdatasync leave durable: these bytes, this size. */
        void sync() {
            synced = Arrays.copyOf(bytes, (int) size);
        }

        private void restore() {
            byte[] back = synced;
            resize(0);
            bytes = Arrays.copyOf(back, back.length);
            used += back.length;
            size = back.length;
        }
    }

    int generation() {
        return generation;
    }

    /** A handle was opened ({@code +1}) or closed ({@code -1}). */
    void opened(int delta) {
        openFiles += delta;
    }

    /** Whether {@code a} and {@code b} name one node (false if either is not there). */
    boolean same(Path a, Path b) {
        try {
            return lookup("stat", a) == lookup("stat", b);
        } catch (FileException e) {
            return false;
        }
    }

    private static Path absolute(Path path) {
        return ROOT.resolve(path).normalize();
    }

    /** The node at {@code path}, for the test's side: unchecked failures. */
    private Node node(Path path) {
        try {
            return lookup("stat", path);
        } catch (FileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The directory {@code path} is in, walking every component above it. */
    private Dir parentOf(String call, Path path, Path abs) throws FileException {
        Dir dir = root;
        for (int i = 0; i < abs.getNameCount() - 1; i++) {
            Node next = dir.entries.get(abs.getName(i).toString());
            if (next == null) {
                throw new NoSuchPathException(call, path, null);
            }
            if (!(next instanceof Dir d)) {
                throw new NotADirectoryException(call, path, null);
            }
            if (d.denied) {
                throw new PermissionDeniedException(call, path, null); // no search permission
            }
            dir = d;
        }
        return dir;
    }

    private Node lookup(String call, Path path) throws FileException {
        Path abs = absolute(path);
        if (abs.getNameCount() == 0 || abs.equals(ROOT)) {
            return root;
        }
        Node n = parentOf(call, path, abs).entries.get(abs.getFileName().toString());
        if (n == null) {
            throw new NoSuchPathException(call, path, null);
        }
        return n;
    }

    // ---- operations (the backend's side; each fails as the real backends do) ----

    Data open(String call, Path path, Set<FileOption> options) throws FileException {
        if (options.contains(FileOption.DIRECT)) {
            throw new FileException(call, path, "invalid argument (O_DIRECT is not simulated)", null);
        }
        Path abs = absolute(path);
        if (abs.getNameCount() == 0) {
            throw new IsADirectoryException(call, path, null);
        }
        Dir parent = parentOf(call, path, abs);
        String name = abs.getFileName().toString();
        Node n = parent.entries.get(name);
        boolean writes = options.contains(FileOption.WRITE) || options.contains(FileOption.APPEND);
        if (n == null) {
            if (!options.contains(FileOption.CREATE) && !options.contains(FileOption.CREATE_NEW)) {
                throw new NoSuchPathException(call, path, null);
            }
            if (parent.denied) {
                throw new PermissionDeniedException(call, path, null);
            }
            Data d = new Data();
            d.modified = sim.now();
            parent.entries.put(name, d);
            parent.modified = sim.now();
            return d;
        }
        if (options.contains(FileOption.CREATE_NEW)) {
            throw new PathExistsException(call, path, null);
        }
        if (n instanceof Dir) {
            throw new IsADirectoryException(call, path, null);
        }
        if (n.denied) {
            throw new PermissionDeniedException(call, path, null);
        }
        Data d = (Data) n;
        if (writes && options.contains(FileOption.TRUNCATE)) {
            d.truncate(call, path, 0);
        }
        return d;
    }

    FileStat stat(String call, Path path) throws FileException {
        Node n = lookup(call, path);
        Instant modified = EPOCH.plusNanos(n.modified);
        return n instanceof Data d ? new FileStat(path, FileStat.Type.FILE, d.size, modified)
                : new FileStat(path, FileStat.Type.DIRECTORY, 4096, modified);
    }

    List<Path> list(String call, Path directory) throws FileException {
        Node n = lookup(call, directory);
        if (!(n instanceof Dir d)) {
            throw new NotADirectoryException(call, directory, null);
        }
        if (d.denied) {
            throw new PermissionDeniedException(call, directory, null);
        }
        List<Path> out = new ArrayList<>(d.entries.size());
        for (String name : d.entries.keySet()) {
            out.add(directory.resolve(name));
        }
        return List.copyOf(out);
    }

    void delete(String call, Path path) throws FileException {
        Path abs = absolute(path);
        if (abs.getNameCount() == 0) {
            throw new PermissionDeniedException(call, path, null); // the root stays
        }
        Dir parent = parentOf(call, path, abs);
        Node n = parent.entries.get(abs.getFileName().toString());
        if (n == null) {
            throw new NoSuchPathException(call, path, null);
        }
        if (parent.denied) {
            throw new PermissionDeniedException(call, path, null);
        }
        if (n instanceof Dir d && !d.entries.isEmpty()) {
            throw new NonEmptyDirectoryException(call, path, null);
        }
        parent.entries.remove(abs.getFileName().toString());
        parent.modified = sim.now();
        if (n instanceof Data f) {
            used -= f.size; // its handles still read and write it, as an unlinked file's do
        }
    }

    /** rename(2): atomically, replacing a file (or an empty directory, for a directory) at {@code to}. Errors name {@code from}. */
    void rename(String call, Path from, Path to) throws FileException {
        Path a = absolute(from);
        Path b = absolute(to);
        if (a.getNameCount() == 0 || b.getNameCount() == 0) {
            throw new FileException(call, from, "device or resource busy", null);
        }
        Dir fromDir = parentOf(call, from, a);
        Node n = fromDir.entries.get(a.getFileName().toString());
        if (n == null) {
            throw new NoSuchPathException(call, from, null);
        }
        Dir toDir = parentOf(call, from, b);
        if (fromDir.denied || toDir.denied) {
            throw new PermissionDeniedException(call, from, null);
        }
        if (a.equals(b)) {
            return;
        }
        if (n instanceof Dir && b.startsWith(a)) {
            throw new FileException(call, from, "invalid argument", null); // into its own subtree
        }
        Node there = toDir.entries.get(b.getFileName().toString());
        if (there instanceof Dir d) {
            if (!(n instanceof Dir)) {
                throw new IsADirectoryException(call, from, null);
            }
            if (!d.entries.isEmpty()) {
                throw new NonEmptyDirectoryException(call, from, null);
            }
        } else if (there != null && n instanceof Dir) {
            throw new NotADirectoryException(call, from, null);
        }
        if (there instanceof Data replaced) {
            used -= replaced.size;
        }
        fromDir.entries.remove(a.getFileName().toString());
        toDir.entries.put(b.getFileName().toString(), n);
        fromDir.modified = sim.now();
        toDir.modified = sim.now();
    }

    void mkdirs(Path directory) throws FileException {
        Path abs = absolute(directory);
        Dir dir = root;
        for (int i = 0; i < abs.getNameCount(); i++) {
            String name = abs.getName(i).toString();
            Node next = dir.entries.get(name);
            if (next == null) {
                if (dir.denied) {
                    throw new PermissionDeniedException("mkdirs", directory, null);
                }
                Dir d = new Dir();
                d.modified = sim.now();
                dir.entries.put(name, d);
                dir.modified = sim.now();
                next = d;
            } else if (!(next instanceof Dir)) {
                throw new PathExistsException("mkdirs", directory, null); // as Files.createDirectories says
            }
            dir = (Dir) next;
        }
    }

    @Override
    public String toString() {
        return "SimFileSystem[" + used + " of " + capacity + " bytes used]";
    }
}
