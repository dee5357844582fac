package io.weft.proxy.internal;

import io.weft.net.ConnectionTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Sorts an upstream connect failure into what the proxy protocols can say about it. */
public enum Failures {
    REFUSED, UNREACHABLE, TIMEOUT, UNKNOWN_HOST, OTHER;

    /** Looks down the cause chain for the first failure that has a kind. */
    public static Failures of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CompletionException) {
                continue;
            }
            if (t instanceof UnknownHostException) {
                return UNKNOWN_HOST;
            }
            if (t instanceof NoRouteToHostException) {
                return UNREACHABLE;
            }
            if (t instanceof TimeoutException || t instanceof ConnectionTimeoutException) {
                return TIMEOUT;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("econnrefused") || m.contains("refused")) {
                return REFUSED;
            }
            if (m.contains("etimedout") || m.contains("timed out")) {
                return TIMEOUT;
            }
            if (m.contains("unreach")) {
                return UNREACHABLE;
            }
            if (t instanceof ConnectException && t.getCause() == null) {
                return REFUSED;
            }
        }
        return OTHER;
    }
}
