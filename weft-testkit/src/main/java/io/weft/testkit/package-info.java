/**
 * Helpers for testing code that runs on a Weft event loop, used by Weft's own tests and meant
 * for users' tests too: a {@link io.weft.testkit.ManualClock} so timers fire without real
 * waiting (moved by hand, auto-jumping, or at real speed with jumps); {@link
 * io.weft.testkit.FileDescriptors} and the {@link io.weft.testkit.NoFdLeaks} extension, which
 * count descriptors by kind and fail a test that leaves one open; loopback sockets, run helpers
 * and an exception recorder; {@link io.weft.testkit.EveryBackend}, which runs a test class on
 * every backend that works here; and {@link io.weft.testkit.PollerContract}, the readiness
 * tests every poller backend must pass.
 */
package io.weft.testkit;
