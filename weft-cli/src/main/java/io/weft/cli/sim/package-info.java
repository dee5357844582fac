/**
 * {@code weft sim}: the echo and chat servers of this command line, unchanged, under the test
 * kit's deterministic simulation ({@code io.weft.testkit.sim}), with scripted clients, each seed
 * checked against the server's properties; a violation names its seed and the command that
 * replays it.
 */
package io.weft.cli.sim;
