/**
 * {@code weft echo}: a TCP (optionally TLS) echo server, the smallest complete use of Weft's
 * transports and protocols, flow control included, written twice: in callback style
 * ({@link io.weft.cli.echo.EchoProtocol}) and with green threads ({@link io.weft.cli.echo.GreenEcho}).
 * {@link io.weft.cli.echo.EchoServer} is the server with a start/stop API;
 * {@link io.weft.cli.echo.EchoCommand} only parses flags.
 */
package io.weft.cli.echo;
