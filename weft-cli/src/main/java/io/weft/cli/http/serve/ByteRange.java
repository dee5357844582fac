package io.weft.cli.http.serve;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110 14.1.2), resolved against a
 * file's length: {@code [first, last]}, inclusive.
 */
record ByteRange(long first, long last) {

    /** What a Range header asks of a file of {@code length} bytes. */
    sealed interface Outcome permits Whole, Partial, Unsatisfiable {
    }

    /** Serve it all: no Range, a Range this server ignores (several ranges, another unit), or a malformed one. */
    record Whole() implements Outcome {
    }

    record Partial(ByteRange range) implements Outcome {
    }

    /** 416: the range lies beyond the end. */
    record Unsatisfiable() implements Outcome {
    }

    long length() {
        return last - first + 1;
    }

    static Outcome parse(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return new Whole(); // several ranges: a multipart answer is allowed to be the whole file
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty() || !digits(b)) {
                    return new Whole();
                }
                long suffix = Long.parseLong(b);
                if (suffix == 0 || length == 0) {
                    return new Unsatisfiable();
                }
                return new Partial(new ByteRange(Math.max(0, length - suffix), length - 1));
            }
            if (!digits(a) || !b.isEmpty() && !digits(b)) {
                return new Whole();
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
            if (!b.isEmpty() && Long.parseLong(b) < first) {
                return new Whole(); // invalid: RFC 9110 says ignore it
            }
            if (first >= length) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(first, last));
        } catch (NumberFormatException tooLarge) {
            return new Whole();
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
