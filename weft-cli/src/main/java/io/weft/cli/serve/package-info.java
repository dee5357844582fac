/**
 * What the example servers ({@code weft echo}, {@code weft chat}) share: running a server on a
 * loop of its own, or on a loop group, with a start/stop API ({@link io.weft.cli.serve.LoopServer}), holding the
 * command in the foreground until SIGINT or SIGTERM ({@link io.weft.cli.serve.Foreground}), the
 * flags every server takes ({@code --style callbacks|green}, {@code --loops N}, ...), converters for sizes and durations, and TLS set-up.
 */
package io.weft.cli.serve;
