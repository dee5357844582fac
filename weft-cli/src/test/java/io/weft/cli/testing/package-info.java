/**
 * Test helpers for the {@code weft} commands: real line clients on loopback, a manual clock for
 * servers' loops, in-process command runs, and counts of open sockets and pipes.
 */
package io.weft.cli.testing;
