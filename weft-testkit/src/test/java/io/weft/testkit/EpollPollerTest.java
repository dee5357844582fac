package io.weft.testkit;

import io.weft.loop.PollerKind;

/** The poller contract on the native epoll backend: addReader/addWriter on JDK channels' descriptors. */
class EpollPollerTest extends PollerContract {
    @Override
    protected PollerKind pollerKind() {
        return PollerKind.EPOLL;
    }
}
