package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.testkit.FileDescriptors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection's half-close and close, on every backend: the peer sees the FIN (EOF while the
 * connection still carries the other direction), then the close, and every descriptor comes
 * back. On io_uring both are ring operations (IORING_OP_SHUTDOWN, IORING_OP_CLOSE) that run
 * at the loop's next enter, after the connection's last completion.
 */
class CloseReleasesDescriptorsTest extends NetTestSupport {
    private static final int CONNECTIONS = 32;

    /** Says "bye" and half-closes at once; the peer's own EOF then closes the connection. */
    final class Bye extends Recorder {
        Bye() {
            super(loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.write("bye".getBytes(StandardCharsets.US_ASCII));
            transport.writeEof();
        }
    }

    @Test
    void halfClosedThenClosedConnectionsShowFinThenEofToThePeerAndGiveEveryDescriptorBack() throws Exception {
        Server s = server(checked(Bye::new), ServerOptions.defaults());
        FileDescriptors.Snapshot before = ioFds();
        List<RawPeer> peers = new ArrayList<>();
        List<Promise<byte[]>> finSeen = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            RawPeer p = closeLater(RawPeer.connect(address(s)));
            peers.add(p);
            finSeen.add(offLoop(() -> p.socket.getInputStream().readAllBytes()));
        }
        for (Promise<byte[]> f : finSeen) {
            assertThat(new String(await(f), StandardCharsets.US_ASCII)).as("the bytes, then EOF").isEqualTo("bye");
        }
        assertThat(s.connectionCount()).as("half-closed, not closed: the peer may still send").isEqualTo(CONNECTIONS);

        List<Promise<Integer>> eofSeen = new ArrayList<>();
        for (RawPeer p : peers) {
            p.write("ack".getBytes(StandardCharsets.US_ASCII));
            p.shutdownOutput();
            // After our FIN the server closes: the read then still ends at EOF, not a reset.
            eofSeen.add(offLoop(() -> p.socket.getInputStream().read()));
        }
        List<Promise<Throwable>> lost = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            CheckedProtocol<Bye> server = await(made(Bye.class));
            lost.add(server.lost());
        }
        for (Promise<Throwable> l : lost) {
            assertThat(await(l)).as("a clean close").isNull();
        }
        for (Promise<Integer> e : eofSeen) {
            assertThat(await(e)).as("EOF after the close").isEqualTo(-1);
        }
        assertThat(s.connectionCount()).isZero();
        for (CheckedProtocol<?> c : checkedProtocols()) {
            assertThat(new String(((Bye) c.inner()).received.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("ack");
        }
        for (RawPeer p : peers) {
            p.close();
        }
        spin(2); // io_uring: the CLOSEs leave at the next enter
        assertNoLeak(before);
    }
}
