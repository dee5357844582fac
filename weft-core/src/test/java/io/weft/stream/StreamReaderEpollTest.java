package io.weft.stream;

import io.weft.loop.PollerKind;

/** {@link StreamReaderTest} on the native epoll backend. */
class StreamReaderEpollTest extends StreamReaderTest {
    @Override
    PollerKind poller() {
        return PollerKind.EPOLL;
    }
}
