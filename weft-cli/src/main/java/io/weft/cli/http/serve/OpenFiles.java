package io.weft.cli.http.serve;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One loop's open files for {@link StaticFiles}, as nginx's {@code open_file_cache}: a file asked
 * for again is sent from the {@link AsyncFile} already open, so a busy file costs no open and no
 * close per request. An entry is used only while the stat the request just made (off the loop)
 * still says the same file: same {@code fileKey} (device and inode), size and modification time;
 * otherwise it is dropped and the file opened anew. At most {@link #MAX} entries; the least
 * recently used idle one goes first. A dropped file closes once no response uses it. Loop thread
 * only.
 */
final class OpenFiles {
    static final int MAX = 64;

    private final EventLoop loop;
    private final LinkedHashMap<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    OpenFiles(EventLoop loop) {
        this.loop = loop;
    }

    /** One open file and the stat it was opened for. */
    static final class Entry {
        private final Object fileKey;
        private final long size;
        private final FileTime modified;
        final Promise<AsyncFile> file;
        private int users;
        private boolean dropped;

        Entry(BasicFileAttributes attrs, Promise<AsyncFile> file) {
            this.fileKey = attrs.fileKey();
            this.size = attrs.size();
            this.modified = attrs.lastModifiedTime();
            this.file = file;
        }

        boolean matches(BasicFileAttributes a) {
            return fileKey != null && Objects.equals(fileKey, a.fileKey()) && size == a.size()
                    && modified.equals(a.lastModifiedTime());
        }

        private void closeIfUnused() {
            if (dropped && users == 0 && file.isDone() && !file.isFailed()) {
                file.resultNow().close();
            }
        }
    }

    /** The open file for {@code path} as {@code attrs} describe it; {@link #release} it when the response is done. */
    Entry acquire(Path path, BasicFileAttributes attrs) {
        Entry e = entries.get(path);
        if (e != null && !e.matches(attrs)) {
            entries.remove(path);
            drop(e);
            e = null;
        }
        if (e == null) {
            Entry made = new Entry(attrs, AsyncFile.open(loop, path));
            e = made;
            entries.put(path, made);
            made.file.whenComplete((f, failure) -> {
                if (failure != null && entries.get(path) == made) {
                    entries.remove(path);
                    made.dropped = true;
                }
            });
            evict();
        }
        e.users++;
        return e;
    }

    void release(Entry e) {
        e.users--;
        e.closeIfUnused();
    }

    private void evict() {
        Iterator<Map.Entry<Path, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > MAX && it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.users == 0) {
                it.remove();
                drop(e);
            }
        }
    }

    private void drop(Entry e) {
        e.dropped = true;
        e.closeIfUnused();
        // still opening: close it when the open completes
        if (!e.file.isDone()) {
            e.file.whenComplete((f, failure) -> e.closeIfUnused());
        }
    }
}
