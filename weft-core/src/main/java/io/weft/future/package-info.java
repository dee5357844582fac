/**
 * Futures: {@link io.weft.future.Promise}, a result that arrives later, whose callbacks run on
 * its event loop, composable, cancellable, with timeouts.
 */
package io.weft.future;
