/**
 * The {@code weft} command line: {@link io.weft.cli.Main}, the entry point, and the registry
 * of its subcommands. Each subcommand, and each example program, lives in a sub-package of
 * its own.
 */
package io.weft.cli;
