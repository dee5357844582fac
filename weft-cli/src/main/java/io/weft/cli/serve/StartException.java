package io.weft.cli.serve;

/**
 * An example server could not start: the address is taken, the host does not resolve, TLS is
 * not available, a certificate file does not load. The message is written for the person at
 * the terminal; commands print it without a stack trace.
 */
public final class StartException extends Exception {
    public StartException(String message) {
        super(message);
    }

    public StartException(String message, Throwable cause) {
        super(message, cause);
    }
}
