/**
 * Faults on a real TCP connection, for tests: {@link io.weft.testkit.faults.FaultProxy} sits on
 * loopback between a client and its server and, per direction, delays, throttles, cuts short,
 * resets or swallows what passes, as a slow, lossy or hostile network would, while both ends
 * keep talking to real kernel sockets.
 */
package io.weft.testkit.faults;
