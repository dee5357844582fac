package io.weft.cli.echo;

import io.weft.cli.serve.Style;

/** The echo server's tests against the server written in callback style: protocols. */
class EchoServerCallbacksTest extends EchoServerTest {
    @Override
    Style style() {
        return Style.CALLBACKS;
    }
}
