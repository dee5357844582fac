/**
 * {@code weft echo}: a TCP (optionally TLS) echo server written in callback style, the smallest
 * complete use of Weft's transports and protocols, flow control included.
 * {@link io.weft.cli.echo.EchoServer} is the server with a start/stop API;
 * {@link io.weft.cli.echo.EchoCommand} only parses flags.
 */
package io.weft.cli.echo;
