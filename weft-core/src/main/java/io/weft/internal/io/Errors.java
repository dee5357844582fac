package io.weft.internal.io;

import io.weft.net.ConnectionResetException;
import io.weft.net.DatagramTooLargeException;
import java.io.IOException;
import java.net.PortUnreachableException;

/**
 * The one place that turns the JDK's socket exceptions into Weft's typed ones. The JDK reports
 * errno only as message text ("Connection reset", "Broken pipe"), so that is what we match.
 */
public final class Errors {
    private Errors() {
    }

    /**
     * @param op the operation that failed, as the user would name it: {@code "read"},
     *           {@code "write"}, {@code "connect to 10.0.0.1:80"}
     */
    public static IOException translate(String op, IOException e) {
        if (e instanceof ConnectionResetException) {
            return e;
        }
        String msg = e.getMessage() == null ? "" : e.getMessage();
        // Not only SocketException: the JDK reports a read's ECONNRESET as a SocketException
        // ("Connection reset"), but a write's ECONNRESET or EPIPE as a plain IOException
        // ("Connection reset by peer", "Broken pipe"), straight from strerror.
        if (msg.contains("Connection reset") || msg.contains("Broken pipe")) {
            return new ConnectionResetException(op + ": connection reset by peer", e);
        }
        return e;
    }

    /** Whether an accept failed for want of file descriptors (EMFILE, ENFILE). */
    public static boolean isOutOfFiles(IOException e) {
        String msg = e.getMessage();
        return msg != null && (msg.contains("Too many open files") || msg.contains("file table overflow"));
    }

    /**
     * Types an error from a UDP send or receive. The JDK throws a {@link PortUnreachableException}
     * without a message when a connected socket has a pending ICMP port-unreachable
     * (ECONNREFUSED); this names the operation. EMSGSIZE becomes a {@link DatagramTooLargeException}.
     *
     * @param op the operation as the user would name it: {@code "send to 10.0.0.1:53"}
     */
    public static IOException translateDatagram(String op, IOException e) {
        if (e instanceof PortUnreachableException) {
            PortUnreachableException typed = new PortUnreachableException(op
                    + ": port unreachable (ICMP): nothing listens there");
            typed.initCause(e);
            return typed;
        }
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (msg.contains("Message too long")) {
            return new DatagramTooLargeException(op + ": the kernel refused the datagram as too large (EMSGSIZE)", e);
        }
        return e;
    }
}
