/**
 * Completion backends: drivers that hand the kernel whole operations (receive into this buffer,
 * send these bytes, accept the next connection) and hear back when each is done, rather than
 * waiting for readiness and doing the work themselves. {@code uring} is Linux io_uring.
 */
package io.weft.internal.io.completion;
