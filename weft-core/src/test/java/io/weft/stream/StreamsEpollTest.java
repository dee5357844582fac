package io.weft.stream;

import io.weft.loop.PollerKind;

/** {@link StreamsTest} on the native epoll backend. */
class StreamsEpollTest extends StreamsTest {
    @Override
    PollerKind poller() {
        return PollerKind.EPOLL;
    }
}
