/**
 * Test helpers for the {@code weft} commands that the test kit does not have: real line clients
 * on loopback and in-process command runs. The manual clock for servers' loops and the
 * descriptor leak checks are the test kit's ({@code io.weft.testkit.ManualClock},
 * {@code io.weft.testkit.FileDescriptors}).
 */
package io.weft.cli.testing;
