package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A server that writes its reply and closes while the peer is still sending: the peer reads the
 * whole reply and then the end of stream, never a reset. (Closing a socket with unread input
 * makes the kernel send RST and drop what it still had to send, RFC 1122 4.2.2.13; so a graceful
 * close shuts the write side, then reads and discards until the peer's EOF or a short deadline.)
 */
class LingeringCloseTest extends NetTestSupport {
    static final int REPLY = 4 << 20;

    /** On the first bytes, writes a large reply and closes, leaving the rest of the input unread. */
    static final class ReplyThenClose extends Recorder {
        ReplyThenClose(io.weft.loop.EventLoop loop) {
            super(loop);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            if (t.isClosing()) {
                return;
            }
            t.write(pattern(REPLY, 11));
            t.close();
        }
    }

    @Test
    void aPeerStillSendingWhenTheServerClosesReadsTheWholeReplyThenEof() throws Exception {
        Server s = server(checked(() -> new ReplyThenClose(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> sent = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("still-sending").start(() -> {
            long n = 0;
            byte[] chunk = new byte[1024];
            try {
                OutputStream out = peer.socket.getOutputStream();
                while (!stop.get()) {
                    out.write(chunk);
                    n += chunk.length;
                }
            } catch (IOException e) {
                // the server closed for good after its linger: the sender's problem, not the reply's
            }
            sent.complete(n);
        });
        CompletableFuture<byte[]> reply = peer.readToEof();

        CheckedProtocol<ReplyThenClose> server = await(made(ReplyThenClose.class));
        byte[] got = await(io.weft.future.Promise.from(loop, reply)); // fails with the reset, if one comes
        stop.set(true);
        peer.shutdownOutput();

        assertThat(got).as("the whole reply, then EOF").isEqualTo(pattern(REPLY, 11));
        assertThat(sent.get(10, TimeUnit.SECONDS)).as("the peer was still sending").isPositive();
        assertThat(await(server.lost())).as("a clean close").isNull();
        assertThat(s.connectionCount()).isZero();
    }

    @Test
    void unreadInputAtCloseDoesNotResetTheReply() throws Exception {
        Server s = server(checked(() -> new ReplyThenClose(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        peer.write(new byte[256 * 1024]); // far more than the server reads before it replies
        CompletableFuture<byte[]> reply = peer.readToEof();

        byte[] got = await(io.weft.future.Promise.from(loop, reply));

        assertThat(got).isEqualTo(pattern(REPLY, 11));
    }
}
