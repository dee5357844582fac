package io.weft.testkit;

import io.weft.internal.io.Drivers;
import io.weft.loop.PollerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The I/O backends that can run on this machine, for running one test class on each of them
 * (see {@link EveryBackend}). A backend that cannot run here (no io_uring, say) is left out, and
 * the reason is printed once per test JVM, so a skipped backend never passes silently.
 *
 * <p>The system property {@code weft.backends} (a comma-separated list such as {@code epoll,nio})
 * narrows the set, e.g. {@code mvn verify -Dweft.backends=epoll} to run every suite on epoll alone.
 * A backend named there that cannot run here is an error, not a skip.
 */
public final class Backends {
    private static volatile boolean reported;

    private Backends() {
    }

    /** The backends to test on: those that work here, narrowed by {@code weft.backends}. */
    public static Stream<PollerKind> available() {
        return list().stream();
    }

    /** {@link #available()} as a list. */
    public static synchronized List<PollerKind> list() {
        String wanted = System.getProperty("weft.backends", "").trim();
        List<PollerKind> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Drivers.Status s : Drivers.statuses()) {
            boolean named = wanted.isEmpty() || names(wanted).contains(s.kind());
            if (!named) {
                continue;
            }
            if (s.ok()) {
                out.add(s.kind());
            } else if (!wanted.isEmpty()) {
                throw new IllegalStateException("weft.backends names " + s.kind().configName()
                        + ", which cannot run here: " + s.reason());
            } else {
                skipped.add(s.kind().configName() + " (" + s.reason() + ")");
            }
        }
        if (!reported) {
            reported = true;
            System.out.println("weft backends under test: " + out.stream().map(PollerKind::configName).toList()
                    + (skipped.isEmpty() ? "" : "; skipped: " + String.join("; ", skipped)));
        }
        return out;
    }

    private static List<PollerKind> names(String list) {
        List<PollerKind> kinds = new ArrayList<>();
        for (String n : list.toLowerCase(Locale.ROOT).split(",")) {
            if (!n.isBlank()) {
                kinds.add(PollerKind.parse(n));
            }
        }
        return kinds;
    }
}
