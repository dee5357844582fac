package io.weft.internal.io.completion.uring;

/**
 * What the driver calls for each CQE addressed to a slot: from inside {@code await}, on the
 * loop's thread. An implementation records the outcome and queues a task; it never calls user
 * code here (the loop's run phase is the only place callbacks run). Loop thread only.
 */
interface Completion {

    /**
     * @param op    the operation kind the SQE was tagged with ({@code UringDriver.userData})
     * @param res   the CQE's result: bytes, a descriptor, 0, or {@code -errno}
     * @param flags the CQE's flags (IORING_CQE_F_MORE, IORING_CQE_F_BUFFER and its buffer id)
     */
    void complete(int op, int res, int flags);

    /**
     * The ring went without draining (closed on a thread that SINGLE_ISSUER refuses, or its
     * completions never came): the kernel cancels what is left as the ring's descriptor goes.
     * Close the descriptor this owner would have closed at its last CQE (its operations hold
     * the file, not the number, so nothing in flight is misdirected); free no memory, which the
     * kernel may still write until it has cancelled them.
     */
    default void ringGone() {
    }
}
