/**
 * The io_uring driver: one ring per loop ({@link io.weft.internal.sys.UringRing}), multishot
 * accept and receive into a provided-buffer ring, sends from the write queue's native chunks,
 * connect, datagrams by recvmsg/sendmsg, timers through the wait's timeout and wake-ups through
 * an eventfd read kept armed on the ring; {@code addReader}/{@code addWriter} on JDK channels by
 * one-shot POLL_ADDs ({@code UringReadiness}); a relay's zero-copy path, and sendFile's, by
 * linked POLL_ADD and SPLICE rounds through a pipe ({@code UringSplicer}). Every completion is routed by its {@code user_data}
 * (operation, slot, generation) to the socket or watch that submitted it, with no lookup; memory
 * an operation names is released only when that operation's completion has arrived.
 */
package io.weft.internal.io.completion.uring;
