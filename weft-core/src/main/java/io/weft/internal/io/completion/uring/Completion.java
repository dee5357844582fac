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
}
