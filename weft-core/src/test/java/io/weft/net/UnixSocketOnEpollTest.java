package io.weft.net;

import io.weft.loop.PollerKind;

/** {@link UnixSocketTest} on the native epoll backend. */
class UnixSocketOnEpollTest extends UnixSocketTest {
    @Override
    PollerKind poller() {
        return PollerKind.EPOLL;
    }
}
