package io.weft.internal.io;

import java.util.function.BooleanSupplier;

/**
 * A readiness backend's outgoing side of a datagram endpoint: the endpoint's {@link
 * DatagramQueue}, held from the moment the socket had no room until the queue is empty again,
 * and drained each time the socket turns writable. The backend asks for writability exactly
 * while {@link #waiting}. Loop thread only.
 */
public final class WaitingDatagrams {
    private DatagramQueue queue;

    /** Whether a queue is held, so the backend should watch for writability. */
    public boolean waiting() {
        return queue != null;
    }

    /**
     * Takes the endpoint's queue to drain on writability. The endpoint queues only after
     * {@link DatagramIo#sendNow} found no room (or behind datagrams already queued), so the
     * socket is full now: wait for writability instead of trying again (which also keeps sink
     * calls out of the endpoint's own send). Returns whether the backend should re-arm: false
     * when already waiting or there is nothing to send.
     */
    public boolean hold(DatagramQueue endpointQueue) {
        if (queue != null || endpointQueue.isEmpty()) {
            return false;
        }
        queue = endpointQueue;
        return true;
    }

    /**
     * On writability: sends from the front until the queue is empty or the socket is full again
     * ({@link DatagramQueue#drain}), lets go of the queue once empty, then calls {@code arm} so
     * the backend's interest follows {@link #waiting}, and tells the sink when a datagram left.
     * Nothing more once {@code open} turns false (the endpoint closed from a sink call).
     */
    public void onWritable(DatagramQueue.Sender sender, DatagramSink sink, BooleanSupplier open, Runnable arm) {
        DatagramQueue q = queue;
        if (q == null || !open.getAsBoolean()) {
            return;
        }
        boolean progress = q.drain(sender, sink, open);
        if (!open.getAsBoolean()) {
            return;
        }
        if (q.isEmpty()) {
            queue = null;
        }
        arm.run();
        if (progress) {
            sink.onFlushed();
        }
    }

    /** Lets go of the queue (the endpoint closed). */
    public void clear() {
        queue = null;
    }
}
