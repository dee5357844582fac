package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import org.junit.jupiter.api.Test;

/**
 * {@link PeerResetTest} on the native epoll backend, and what only it can do: hear a reset while
 * the transport has reading paused and nothing queued. epoll reports EPOLLERR|EPOLLHUP whatever
 * the interest set, and the epoll driver turns that into a {@link ConnectionResetException} at
 * once. The NIO backend cannot: the JDK's selector takes a descriptor with no interest out of its
 * epoll set, so such a connection hears of the reset only when reading resumes.
 */
class EpollPeerResetTest extends PeerResetTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.EPOLL);
    }

    /** Pauses reading as soon as it is connected, and never writes. */
    static final class Paused extends Recorder {
        Paused(io.weft.loop.EventLoop loop) {
            super(loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.pauseReading();
        }
    }

    @Test
    void aResetWhileReadingIsPausedAndNothingIsQueuedReachesConnectionLostTyped() throws Exception {
        Server s = server(checked(() -> new Paused(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Paused> paused = await(made(Paused.class));
        assertThat(paused.transport().writeBufferSize()).isZero();

        peer.reset();
        Throwable cause = await(paused.lost());

        assertThat(cause).isInstanceOf(ConnectionResetException.class).hasMessageContaining("ECONNRESET");
        assertThat(s.connectionCount()).isZero();
    }
}
