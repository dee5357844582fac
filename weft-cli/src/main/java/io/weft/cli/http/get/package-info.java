/**
 * {@code weft get URL...}: many downloads at once on one loop with weft-http's client, one
 * progress bar per file on a terminal and plain lines elsewhere, resuming partial files with
 * {@code Range}. {@link io.weft.cli.http.get.Downloads} does the work;
 * {@link io.weft.cli.http.get.GetCommand} parses flags and reports.
 */
package io.weft.cli.http.get;
