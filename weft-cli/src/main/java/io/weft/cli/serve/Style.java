package io.weft.cli.serve;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How an example server's per-connection code is written: the same behaviour either way, which
 * is the point of offering both.
 */
public enum Style {
    /** Protocols: the loop calls {@code dataReceived} and friends. */
    CALLBACKS,
    /** Green threads: one per connection, written as blocking reads and writes that park on the loop. */
    GREEN;

    /**
     * Reads {@code callbacks} or {@code green}, in any case; {@code fibers}, the name green had
     * before, still works, so existing scripts keep running.
     */
    public static final class Converter implements ITypeConverter<Style> {
        @Override
        public Style convert(String value) {
            String name = value.toUpperCase(Locale.ROOT);
            if (name.equals("FIBERS")) {
                return GREEN;
            }
            try {
                return Style.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected callbacks or green, not '" + value + "'");
            }
        }
    }
}
