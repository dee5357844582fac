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
    FIBERS;

    /** Reads {@code callbacks} or {@code fibers}, in any case. */
    public static final class Converter implements ITypeConverter<Style> {
        @Override
        public Style convert(String value) {
            try {
                return Style.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected callbacks or fibers, not '" + value + "'");
            }
        }
    }
}
