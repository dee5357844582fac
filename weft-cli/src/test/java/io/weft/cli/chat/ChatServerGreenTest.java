package io.weft.cli.chat;

import io.weft.cli.serve.Style;

/** The chat server's tests against the server written in green threads: one per client. */
class ChatServerGreenTest extends ChatServerTest {
    @Override
    Style style() {
        return Style.GREEN;
    }
}
