package io.weft.cli.serve;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes on the command line: a whole number of bytes with an optional unit, e.g. {@code 512},
 * {@code 8KiB}, {@code 1MiB}, {@code 2g}. Units are binary and case-insensitive: {@code K},
 * {@code KB} and {@code KiB} all mean 1024, as in the JVM's {@code -Xmx}; likewise M and G.
 */
public final class ByteSize {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");

    private ByteSize() {
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is accepted. */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(invalid(text));
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException(invalid(text));
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    /** The shortest exact form: {@code 1MiB}, {@code 8KiB}, {@code 1000B}. */
    public static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + "B";
    }

    private static String invalid(String text) {
        return "invalid size '" + text + "': expected a whole number of bytes with an optional unit, e.g. 512, 8KiB, 1MiB, 2GiB";
    }

    /** The picocli converter for options that take a size. */
    public static final class Converter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
