package io.weft.cli.http.get;

import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.future.Promise;
import io.weft.http.client.BodySink;
import io.weft.http.client.ClientRequest;
import io.weft.http.client.ClientResponse;
import io.weft.http.client.FileBodySink;
import io.weft.http.client.HttpClient;
import io.weft.http.client.HttpClientException;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;

/**
 * Runs a list of downloads on one loop, at most {@code parallel} at a time, each streamed to
 * its file as it arrives. A file that already exists is resumed: the request asks
 * {@code Range: bytes=SIZE-}; a 206 from there appends, a 200 (the server ignores ranges)
 * starts over, a 416 means the file is already whole. Files are looked up and written with
 * {@link AsyncFile} (off the loop); a download whose disk is slower than its server pauses
 * reading from that server ({@link FileBodySink}). Loop thread only.
 */
final class Downloads {
    private final EventLoop loop;
    private final HttpClient client;
    private final List<Download> all;
    private final ArrayDeque<Download> queue;
    private final int parallel;
    private final Progress progress;
    private final Promise<List<Download>> done;
    private int running;
    private int finished;
    private TimerHandle redraw;

    Downloads(EventLoop loop, HttpClient client, List<Download> all, int parallel, Progress progress) {
        this.loop = loop;
        this.client = client;
        this.all = all;
        this.queue = new ArrayDeque<>(all);
        this.parallel = parallel;
        this.progress = progress;
        this.done = loop.newPromise();
    }

    /** Starts; the promise completes when every download is done or failed. */
    Promise<List<Download>> run() {
        if (all.isEmpty()) {
            done.complete(all);
            return done;
        }
        startMore();
        if (progress.terminal()) {
            tick();
        }
        return done;
    }

    private void tick() {
        progress.draw(all, loop.time());
        if (!done.isDone()) {
            redraw = loop.callLater(Duration.ofMillis(200), this::tick);
        }
    }

    private void startMore() {
        while (running < parallel && !queue.isEmpty()) {
            start(queue.pollFirst());
        }
    }

    private void start(Download d) {
        running++;
        d.state = Download.State.RUNNING;
        d.startedNanos = loop.time();
        // What is already there decides whether to resume; looked up off the loop, like the writes.
        AsyncFile.stat(loop, d.file).whenComplete((stat, missing) -> {
            d.offset = missing == null && stat.type() == FileStat.Type.FILE ? stat.size() : 0;
            fetch(d);
        });
    }

    private void fetch(Download d) {
        ClientRequest request = ClientRequest.get(d.uri);
        if (d.offset > 0) {
            d.resumed = true;
            request = request.header("Range", "bytes=" + d.offset + "-");
        }
        progress.event(d, loop.time());
        FileBodySink[] sink = new FileBodySink[1];
        client.send(request, head -> {
            sink[0] = open(d, head);
            if (sink[0] == null) {
                return data -> { };
            }
            FileBodySink file = sink[0];
            return new BodySink() {
                @Override
                public void attach(Flow flow) {
                    file.attach(flow);
                }

                @Override
                public void onData(ByteBuffer data) throws IOException {
                    d.received += data.remaining();
                    file.onData(data);
                }

                @Override
                public void onEnd() throws IOException {
                    file.onEnd();
                }
            };
        }).flatMap(head -> sink[0] == null ? Promise.completed(loop, head)
                : sink[0].finished().map(v -> head))
          .whenComplete((head, failure) -> {
            if (failure != null && sink[0] != null) {
                sink[0].abandon();
            }
            d.endedNanos = loop.time();
            if (failure != null) {
                d.state = Download.State.FAILED;
                d.failure = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
            } else if (d.total >= 0 && d.have() != d.total) {
                d.state = Download.State.FAILED;
                d.failure = "got " + d.have() + " of " + d.total + " bytes";
            } else {
                d.state = Download.State.DONE;
            }
            progress.event(d, loop.time());
            running--;
            finished++;
            if (finished == all.size()) {
                if (redraw != null) {
                    redraw.cancel();
                }
                progress.draw(all, loop.time());
                done.complete(all);
            } else {
                startMore();
            }
        });
    }

    /** Opens the file the way the response says (append, truncate), or null when nothing is to be written. */
    private FileBodySink open(Download d, ClientResponse head) throws HttpClientException {
        int s = head.status();
        if (s == 416 && d.offset > 0) {
            String range = head.header("Content-Range");
            if (range != null && range.equals("bytes */" + d.offset)) {
                d.total = d.offset; // already whole
                return null;
            }
            throw new HttpClientException("HTTP 416 for a resumed download of " + d.offset + " bytes" + (range == null ? "" : " (" + range + ")"));
        }
        if (s == 206 && d.offset > 0) {
            String range = head.header("Content-Range");
            if (range == null || !range.startsWith("bytes " + d.offset + "-")) {
                throw new HttpClientException("HTTP 206 with Content-Range " + range + ", not from byte " + d.offset);
            }
            int slash = range.indexOf('/');
            if (slash > 0 && !range.endsWith("*")) {
                d.total = Long.parseLong(range.substring(slash + 1).trim());
            }
            return FileBodySink.open(loop, d.file, EnumSet.of(FileOption.APPEND));
        }
        if (s / 100 != 2) {
            throw new HttpClientException("HTTP " + s);
        }
        d.offset = 0; // the server sends it all again: start over
        d.total = head.contentLength();
        return FileBodySink.open(loop, d.file, EnumSet.of(FileOption.CREATE, FileOption.WRITE, FileOption.TRUNCATE));
    }
}
