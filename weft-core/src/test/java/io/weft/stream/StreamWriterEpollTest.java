package io.weft.stream;

import io.weft.loop.PollerKind;

/** {@link StreamWriterTest} on the native epoll backend. */
class StreamWriterEpollTest extends StreamWriterTest {
    @Override
    PollerKind poller() {
        return PollerKind.EPOLL;
    }
}
