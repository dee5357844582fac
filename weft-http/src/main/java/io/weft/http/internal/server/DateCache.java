package io.weft.http.internal.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line (RFC 9110 5.6.7 IMF-fixdate), formatted at most once a second
 * of the wall clock: every other response copies the cached bytes. One per loop: loop thread only.
 */
public final class DateCache {
    // Not RFC_1123_DATE_TIME: it writes the day of month without its leading zero.
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final InstantSource clock;
    private long second = Long.MIN_VALUE;
    private byte[] line;

    public DateCache(InstantSource clock) {
        this.clock = clock;
    }

    /** {@code "Date: ...\r\n"}, for the current second. The array is shared: do not change it. */
    byte[] line() {
        long s = Math.floorDiv(clock.millis(), 1000);
        if (s != second) {
            second = s;
            line = ("Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(s)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        return line;
    }

    /** An HTTP date, as {@code Last-Modified} wants it. */
    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }
}
