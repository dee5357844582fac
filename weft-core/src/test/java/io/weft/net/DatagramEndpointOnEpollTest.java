package io.weft.net;

import io.weft.loop.PollerKind;

/** {@link DatagramEndpointTest} on the native epoll backend. */
class DatagramEndpointOnEpollTest extends DatagramEndpointTest {
    @Override
    PollerKind poller() {
        return PollerKind.EPOLL;
    }
}
