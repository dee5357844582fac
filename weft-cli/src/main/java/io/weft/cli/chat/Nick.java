package io.weft.cli.chat;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for names: 1 to 32 ASCII letters, digits, {@code _} or {@code -}, unique without
 * regard to case ({@code Alice} and {@code alice} would be too easy to confuse). Names never
 * contain spaces, colons or the {@code *}/{@code !} that start the server's own lines, so a
 * client cannot pass a line off as someone else's or as the server's.
 */
final class Nick {
    static final int MAX_LENGTH = 32;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

    private Nick() {
    }

    static boolean isValid(String name) {
        return VALID.matcher(name).matches();
    }

    /** What uniqueness is judged on. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
