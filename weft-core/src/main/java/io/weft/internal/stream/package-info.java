/**
 * The machinery under {@link io.weft.stream}: the byte queue a stream reader buffers into and
 * the read requests that are satisfied from it.
 */
package io.weft.internal.stream;
