package io.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code weft --version} prints: Weft's version (from {@code weft-version.properties},
 * which Maven fills in at build time) and the JVM it runs on.
 */
public final class WeftVersion implements IVersionProvider {

    /** Weft's version, e.g. {@code 0.1.0-SNAPSHOT}; {@code "unknown"} outside a Maven build. */
    public static String version() {
        try (InputStream in = WeftVersion.class.getResourceAsStream("weft-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weft-version.properties", e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "weft " + version(),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
