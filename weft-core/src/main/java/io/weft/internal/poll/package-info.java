/**
 * The poller SPI: the small interface an event loop uses to wait on a kernel readiness API,
 * and {@link io.weft.internal.poll.Pollers}, the one place that picks a backend. Backends live
 * in sub-packages, one class each.
 */
package io.weft.internal.poll;
