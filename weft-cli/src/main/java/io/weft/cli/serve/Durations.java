package io.weft.cli.serve;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line: whole numbers with units, e.g. {@code 500ms}, {@code 30s},
 * {@code 10m}, {@code 1h30m}, {@code 2d}; an ISO-8601 duration such as {@code PT10M}; or
 * {@code 0} / {@code off}, which parse to {@link Duration#ZERO} and mean "never" for timeouts.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is accepted. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0") || t.equals("off") || t.equals("none")) {
            return Duration.ZERO;
        }
        if (t.startsWith("p")) {
            try {
                return requireNonNegative(Duration.parse(text.trim()), text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(invalid(text));
            }
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("duration '" + text + "' is too long");
            }
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException(invalid(text));
        }
        return total;
    }

    /** The form {@link #parse} reads, largest units first: {@code 10m}, {@code 1m30s}, {@code 500ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        StringBuilder out = new StringBuilder();
        append(out, d.toDaysPart(), "d");
        append(out, d.toHoursPart(), "h");
        append(out, d.toMinutesPart(), "m");
        append(out, d.toSecondsPart(), "s");
        append(out, d.toMillisPart(), "ms");
        return out.isEmpty() ? d.toNanos() + "ns" : out.toString();
    }

    private static void append(StringBuilder out, long n, String unit) {
        if (n != 0) {
            out.append(n).append(unit);
        }
    }

    private static Duration requireNonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration '" + text + "' is negative");
        }
        return d;
    }

    private static String invalid(String text) {
        return "invalid duration '" + text + "': expected e.g. 500ms, 30s, 10m, 1h30m, PT10M, or 0/off";
    }

    /** The picocli converter for options that take a duration. */
    public static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
