package io.weft.net;

import io.weft.loop.PollerKind;

/**
 * {@link DatagramEndpointTest} on the poll(2) backend, whose readiness reporting (errors, hang-ups)
 * differs from epoll's.
 */
class DatagramEndpointOnPollTest extends DatagramEndpointTest {
    @Override
    PollerKind poller() {
        return PollerKind.POLL;
    }
}
