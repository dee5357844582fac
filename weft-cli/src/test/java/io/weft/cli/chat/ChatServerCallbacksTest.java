package io.weft.cli.chat;

import io.weft.cli.serve.Style;

/** The chat server's tests against the server written in callback style: a protocol per client. */
class ChatServerCallbacksTest extends ChatServerTest {
    @Override
    Style style() {
        return Style.CALLBACKS;
    }
}
