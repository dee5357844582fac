package io.weft.cli.echo;

import io.weft.cli.serve.Style;

/** The echo server's tests against the server written in green threads: one per connection. */
class EchoServerGreenTest extends EchoServerTest {
    @Override
    Style style() {
        return Style.GREEN;
    }
}
