package io.weft.cli.http.get;

import java.net.URI;
import java.nio.file.Path;

/** One file being fetched: where from, where to, and how far it got. Loop thread only. */
final class Download {
    enum State { WAITING, RUNNING, DONE, FAILED }

    final URI uri;
    final Path file;
    State state = State.WAITING;
    long offset;      // bytes already on disk when this attempt started (resume)
    long received;    // bytes received by this attempt
    long total = -1;  // the whole file's size when known
    long startedNanos;
    long endedNanos;
    boolean resumed;
    String failure;

    Download(URI uri, Path file) {
        this.uri = uri;
        this.file = file;
    }

    long have() {
        return offset + received;
    }
}
