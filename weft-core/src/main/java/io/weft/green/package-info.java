/**
 * Green threads: virtual threads whose scheduler is the event loop. Blocking-style code
 * ({@link io.weft.green.Green#sleep}, {@link io.weft.green.Green#await}, green sockets) runs
 * on the loop thread, interleaved with callbacks, with no data races.
 */
package io.weft.green;
