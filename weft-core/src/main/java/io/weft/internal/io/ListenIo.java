package io.weft.internal.io;

import java.net.SocketAddress;

/**
 * A listening socket on a driver. The server says whether it wants connections ({@link
 * #setAccepting}) and hears of each one, or of a failed accept, through an {@link AcceptSink};
 * a readiness backend accepts up to a batch per readiness event, a completion backend keeps a
 * (multishot) accept in the kernel. Loop thread only. After {@link #close()} no sink call follows.
 */
public interface ListenIo {

    /** Upper bound on connections accepted for one readiness event, so a connect flood cannot starve others. */
    int ACCEPT_BATCH = 128;

    /** Starts delivering to {@code sink}; accepting starts off. */
    void start(AcceptSink sink);

    /**
     * Whether the server wants connections. May be called from inside {@link
     * AcceptSink#onAccepted}: a batch in progress then stops at once.
     */
    void setAccepting(boolean on);

    SocketAddress localAddress();

    /** Closes the socket (and removes a Unix socket's file). Idempotent. */
    void close();

    /** What a {@link ListenIo} reports. Loop thread. */
    interface AcceptSink {
        /** A connection arrived; the sink owns it now and must adopt or close it. */
        void onAccepted(AcceptedSocket socket);

        /**
         * Accepting failed. Out of descriptors (EMFILE/ENFILE) shows through {@code
         * internal.net.Errors.isOutOfFiles}; the listener keeps trying at the next readiness
         * unless the sink turns accepting off (a server backs off, since level-triggered
         * readiness would report the pending connection again at once).
         */
        void onAcceptError(java.io.IOException error);
    }
}
