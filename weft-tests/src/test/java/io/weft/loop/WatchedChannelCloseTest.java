package io.weft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.testkit.EveryBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

/**
 * A channel watched with {@code addReader} that the user closes is closed for real, on every
 * backend: its peer reads the end of stream with the loop still running and the reader never
 * removed. On io_uring the reader's poll in the kernel holds the socket open until it is
 * cancelled, so the backend must notice the close.
 */
@EveryBackend
@Timeout(30)
class WatchedChannelCloseTest {
    @Parameter
    PollerKind backend;

    @Test
    void closingAWatchedChannelClosesItsSocket() throws Exception {
        try (EventLoop loop = EventLoop.create(LoopConfig.builder().poller(backend).build());
                ServerSocketChannel listener = ServerSocketChannel.open()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel ch = SocketChannel.open(listener.getLocalAddress());
                SocketChannel peer = listener.accept()) {
            loop.runUntilComplete(loop.submit(() -> loop.addReader(ch, () -> { })));
            turns(loop, 20); // the reader's poll is in the kernel now

            loop.runUntilComplete(loop.submit(() -> {
                ch.close();
                return null;
            }));
            turns(loop, 20);

            peer.socket().setSoTimeout(5000);
            int n = peer.socket().getInputStream().read(new byte[16]);
            assertThat(n).as("the peer reads the end of stream").isEqualTo(-1);
            assertThat(ch.isOpen()).isFalse();
        }
    }

    /** Runs the loop for {@code millis} of its clock (it waits in the kernel meanwhile). */
    private static void turns(EventLoop loop, long millis) {
        Promise<Void> later = loop.newPromise();
        loop.runUntilComplete(loop.submit(() -> loop.callLater(Duration.ofMillis(millis), () -> later.complete(null))));
        loop.runUntilComplete(later);
    }
}
