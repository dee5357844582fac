package io.weft.file;

import io.weft.loop.PollerKind;

/** {@link AsyncFileTest} on a poll(2) loop: file callbacks arrive through the inbox either way. */
class AsyncFilePollTest extends AsyncFileTest {
    @Override
    PollerKind poller() {
        return PollerKind.POLL;
    }
}
