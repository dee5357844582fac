/**
 * {@code weft serve [DIR]}: static files over HTTP/1.1 from one directory, on weft-http's
 * server. {@link io.weft.cli.http.serve.StaticFiles} is the handler (content types, ranges,
 * validators, path-escape protection); {@link io.weft.cli.http.serve.ServeCommand} the command.
 * Not to be confused with {@code io.weft.cli.serve}, the plumbing every server command shares.
 */
package io.weft.cli.http.serve;
