package io.weft.cli.http.serve;

import io.weft.file.AsyncFile;
import io.weft.file.NoSuchPathException;
import io.weft.http.HttpHandler;
import io.weft.http.HttpRequest;
import io.weft.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Serves the files under one directory: GET and HEAD, {@code Content-Type} by extension, one
 * {@code Range} (206, or 416 past the end), {@code ETag}/{@code If-None-Match} and
 * {@code Last-Modified}/{@code If-Modified-Since} (304), {@code If-Range}, a listing for a
 * directory without {@code index.html}. Loop thread only (it is a handler of one loop).
 *
 * <h2>What never leaves the tree</h2>
 * The path is percent-decoded (strict UTF-8) and split into segments; a {@code ..} segment,
 * a NUL, or a path whose real location (symbolic links followed) is outside the root is
 * answered 404 before any file is opened. Resolving the real path only looks at metadata.
 *
 * <h2>Never on the loop: the disk</h2>
 * Resolving the path, {@code stat}, the index lookup and a directory's listing run as one task on
 * the offload pool ({@link io.weft.loop.EventLoop#offload}); the file is opened with
 * {@link AsyncFile} and its body sent with {@link HttpResponse#sendFile}: zero copy from the
 * page cache on a plain connection, the copy loop on TLS. A file asked for again is sent from the
 * AsyncFile already open while the request's stat says it is the same file ({@link OpenFiles}).
 * The loop thread only parses, decides and writes heads. One instance may serve every loop of a group: it keeps no state of its own
 * but the root and the log.
 */
public final class StaticFiles implements HttpHandler {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Path root;
    private final Consumer<String> log;
    /** Each loop's open files (a loop's map is only touched on that loop). */
    private final java.util.concurrent.ConcurrentHashMap<io.weft.loop.EventLoop, OpenFiles> open =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param root the directory to serve; must exist
     * @param log  gets one line per request; null for none
     */
    public StaticFiles(Path root, Consumer<String> log) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IOException(root + " is not a directory");
        }
        this.log = log;
    }

    public Path root() {
        return root;
    }

    @Override
    public void handle(HttpRequest req, HttpResponse res) {
        long start = req.loop().time();
        Logged out = new Logged(req, res, start);
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
            res.header("Allow", "GET, HEAD");
            out.send(405, "text/plain; charset=utf-8", "only GET and HEAD\n");
            return;
        }
        String path = req.path();
        req.loop().offload(() -> look(path)).whenComplete((found, e) -> {
            if (res.isClosed()) {
                out.done(0);
            } else if (e != null) {
                out.send(500, "text/plain; charset=utf-8", "cannot read the file\n");
            } else {
                answer(req, res, out, found);
            }
        });
    }

    /** What a request path names, found off the loop (path resolution, stat, listing). */
    private sealed interface Found {
        record Missing() implements Found { }
        record Redirect(String location) implements Found { }
        record Listing(String html) implements Found { }
        record File(Path path, BasicFileAttributes attrs) implements Found { }
    }

    /** Runs on the offload pool: every metadata call the answer needs. */
    Found look(String rawPath) throws IOException {
        Path file = resolve(rawPath);
        if (file == null) {
            return new Found.Missing();
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                if (!rawPath.endsWith("/")) {
                    return new Found.Redirect(rawPath + "/");
                }
                Path index = file.resolve("index.html");
                if (!Files.isRegularFile(index)) {
                    return new Found.Listing(listing(rawPath, file));
                }
                file = index;
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            }
            return attrs.isRegularFile() ? new Found.File(file, attrs) : new Found.Missing();
        } catch (NoSuchFileException e) {
            return new Found.Missing();
        }
    }

    private void answer(HttpRequest req, HttpResponse res, Logged out, Found found) {
        switch (found) {
            case Found.Missing m -> out.send(404, "text/plain; charset=utf-8", "not found\n");
            case Found.Redirect r -> {
                res.header("Location", r.location());
                out.send(301, "text/plain; charset=utf-8", "moved to " + r.location() + "\n");
            }
            case Found.Listing l -> out.send(200, "text/html; charset=utf-8", l.html());
            case Found.File f when req.method().equals("HEAD") -> serveFile(req, res, out, f.path(), f.attrs(), null, () -> { });
            case Found.File f -> {
                OpenFiles files = open.computeIfAbsent(req.loop(), OpenFiles::new);
                OpenFiles.Entry entry = files.acquire(f.path(), f.attrs());
                entry.file.whenComplete((file, e) -> {
                    if (e == null) {
                        serveFile(req, res, out, f.path(), f.attrs(), file, () -> files.release(entry));
                        return;
                    }
                    files.release(entry);
                    failedToOpen(res, out, e);
                });
            }
        }
    }

    private void failedToOpen(HttpResponse res, Logged out, Throwable e) {
                if (res.isClosed()) {
                    out.done(0);
                } else if (e instanceof NoSuchPathException) {
                    out.send(404, "text/plain; charset=utf-8", "not found\n"); // gone since the stat
                } else {
                    out.send(500, "text/plain; charset=utf-8", "cannot read the file\n");
                }
    }

    /** The real file for a request path, or null (404) when it does not exist or would leave the root. */
    Path resolve(String rawPath) {
        if (!rawPath.startsWith("/")) {
            return null;
        }
        String decoded = percentDecode(rawPath);
        if (decoded == null || decoded.indexOf('\0') >= 0) {
            return null;
        }
        Path p = root;
        for (String segment : decoded.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                return null;
            }
            p = p.resolve(segment);
        }
        try {
            Path real = p.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** Percent-decodes to strict UTF-8; null for a bad escape or bytes that are not UTF-8. */
    static String percentDecode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                b.write(hi << 4 | lo);
                i += 2;
            } else if (c > 127) {
                return null;
            } else {
                b.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Answers with the file, open as {@code open} (null for HEAD); runs {@code release} when done with it. */
    private void serveFile(HttpRequest req, HttpResponse res, Logged out, Path file, BasicFileAttributes attrs,
            AsyncFile open, Runnable release) {
        if (res.isClosed()) {
            release.run();
            out.done(0);
            return;
        }
        long length = attrs.size();
        Instant modified = attrs.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS);
        String etag = "\"" + Long.toHexString(length) + "-" + Long.toHexString(attrs.lastModifiedTime().toMillis()) + "\"";
        res.header("ETag", etag);
        res.header("Last-Modified", HTTP_DATE.format(modified));
        res.header("Accept-Ranges", "bytes");

        String inm = req.header("If-None-Match");
        boolean notModified = inm != null ? matches(inm, etag)
                : notModifiedSince(req.header("If-Modified-Since"), modified);
        if (notModified) {
            release.run();
            out.send(304, null, null);
            return;
        }

        ByteRange.Outcome outcome = ByteRange.parse(req.header("Range"), length);
        String ifRange = req.header("If-Range");
        if (ifRange != null && !(ifRange.trim().equals(etag) || ifRange.trim().equals(HTTP_DATE.format(modified)))) {
            outcome = new ByteRange.Whole();
        }
        long from = 0;
        long count = length;
        switch (outcome) {
            case ByteRange.Unsatisfiable u -> {
                release.run();
                res.header("Content-Range", "bytes */" + length);
                out.send(416, "text/plain; charset=utf-8", "range not satisfiable\n");
                return;
            }
            case ByteRange.Partial p -> {
                from = p.range().first();
                count = p.range().length();
                res.status(206);
                res.header("Content-Range", "bytes " + p.range().first() + "-" + p.range().last() + "/" + length);
                out.status = 206;
            }
            case ByteRange.Whole w -> {
            }
        }
        res.header("Content-Type", ContentTypes.of(file.getFileName().toString()));
        if (open == null || count == 0) {
            release.run();
            res.contentLength(count);
            res.end();
            out.done(open == null ? -1 : 0);
            return;
        }
        res.sendFile(open, from, count).whenComplete((n, failure) -> {
            release.run();
            out.done(failure == null ? n : 0);
        });
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || t.startsWith("W/") && t.substring(2).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean notModifiedSince(String ims, Instant modified) {
        if (ims == null) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(ims.trim(), HTTP_DATE).toInstant();
            return !modified.isAfter(since);
        } catch (DateTimeParseException e) {
            return false; // RFC 9110 13.1.3: ignore an invalid date
        }
    }

    private static String listing(String path, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (var entries = Files.list(dir)) {
            entries.forEach(e -> names.add(e.getFileName().toString() + (Files.isDirectory(e) ? "/" : "")));
        }
        names.sort(null);
        StringBuilder html = new StringBuilder("<!doctype html>\n<meta charset=utf-8>\n<title>")
                .append(escape(path)).append("</title>\n<h1>").append(escape(path)).append("</h1>\n<ul>\n");
        for (String n : names) {
            html.append("<li><a href=\"").append(escape(encode(n))).append("\">").append(escape(n)).append("</a>\n");
        }
        return html.append("</ul>\n").toString();
    }

    private static String encode(String name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Sends small answers and writes the request's log line when it is over. */
    private final class Logged {
        private final HttpRequest req;
        private final HttpResponse res;
        private final long start;
        int status = 200;

        Logged(HttpRequest req, HttpResponse res, long start) {
            this.req = req;
            this.res = res;
            this.start = start;
        }

        void send(int code, String type, String body) {
            status = code;
            res.status(code);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (type != null) {
                res.header("Content-Type", type);
            }
            res.end(b);
            done(req.method().equals("HEAD") ? 0 : b.length);
        }

        /** @param bytes body bytes sent, or -1 for none (HEAD) */
        void done(long bytes) {
            if (log == null) {
                return;
            }
            long micros = (req.loop().time() - start) / 1000;
            log.accept(String.format(Locale.ROOT, "%s %s %s %d %d %.1fms", address(), req.method(), req.target(), status,
                    Math.max(0, bytes), micros / 1000.0));
        }

        private String address() {
            return req.remoteAddress() instanceof java.net.InetSocketAddress a
                    ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(req.remoteAddress());
        }
    }
}
