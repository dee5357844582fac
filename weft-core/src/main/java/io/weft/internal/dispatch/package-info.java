/**
 * What the loop, its drivers, promises and green threads share without depending on one
 * another: {@link io.weft.internal.dispatch.Task}, the queued callback, and
 * {@link io.weft.internal.dispatch.Inbox}, the lock-free queue other threads hand tasks in by.
 */
package io.weft.internal.dispatch;
