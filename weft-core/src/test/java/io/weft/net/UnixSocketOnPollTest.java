package io.weft.net;

import io.weft.loop.PollerKind;

/**
 * {@link UnixSocketTest} on the poll(2) backend, whose readiness reporting (errors, hang-ups)
 * differs from epoll's.
 */
class UnixSocketOnPollTest extends UnixSocketTest {
    @Override
    PollerKind poller() {
        return PollerKind.POLL;
    }
}
