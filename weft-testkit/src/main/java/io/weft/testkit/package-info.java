/**
 * Helpers for testing code that runs on a Weft event loop: a {@link io.weft.testkit.ManualClock}
 * so timers fire without real waiting, loopback sockets, an exception recorder, a file
 * descriptor counter for leak checks, and {@link io.weft.testkit.PollerContract}, the
 * readiness tests every poller backend must pass.
 */
package io.weft.testkit;
