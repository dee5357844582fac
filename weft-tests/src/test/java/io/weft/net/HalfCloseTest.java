package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Half-close: one side shuts its write side (FIN) and the other direction keeps working. */
class HalfCloseTest extends NetTestSupport {
    static final int FOUR_MIB = 4 << 20;

    /** Reads a request until EOF, then answers with a large response and closes. */
    static final class Responder extends Recorder {
        boolean readingAfterEof;

        Responder(EventLoop loop) {
            super(loop);
        }

        @Override
        public boolean eofReceived() {
            super.eofReceived();
            readingAfterEof = t.isReading();
            t.write(pattern(FOUR_MIB, bytes().length)); // writing after the peer's FIN
            t.write("done".getBytes());
            t.close();
            return true;
        }
    }

    @Test
    void clientShutsItsWriteSideAndStillReceivesTheWholeResponse() {
        Server s = server(checked(() -> new Responder(loop)), ServerOptions.defaults());
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s),
                ConnectOptions.defaults()));
        Transport ct = client.transport();
        assertThat(ct.canWriteEof()).isTrue();
        ct.write("request".getBytes());
        ct.writeEof();
        assertThat(ct.isClosing()).as("half-closed is not closing").isFalse();
        assertThat(ct.isReading()).isTrue();

        assertThat(await(client.lost())).isNull();
        CheckedProtocol<Responder> server = await(made(Responder.class));
        assertThat(await(server.lost())).isNull();
        assertThat(new String(server.inner().bytes())).isEqualTo("request");
        assertThat(server.inner().readingAfterEof).isFalse();
        byte[] expected = new byte[FOUR_MIB + 4];
        System.arraycopy(pattern(FOUR_MIB, 7), 0, expected, 0, FOUR_MIB);
        System.arraycopy("done".getBytes(), 0, expected, FOUR_MIB, 4);
        assertThat(client.inner().bytes()).isEqualTo(expected);
        assertThat(client.word()).as("EOF after all the data, then lost").matches("MD+EL");
        assertThat(server.word()).matches("MD+E(PR)?L");
    }

    @Test
    void serverShutsItsWriteSideAndStillReceivesWhatTheClientSends() {
        // The server greets and half-closes; the client keeps its side open and uploads.
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.write("hello".getBytes());
                transport.writeEof();
            }
        }), ServerOptions.defaults());
        byte[] upload = pattern(FOUR_MIB, 8);
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop) {
            @Override
            public boolean eofReceived() {
                super.eofReceived();
                t.write(upload); // mostly buffered...
                t.writeEof();    // ...so the FIN waits for the flush
                return true;
            }
        }), address(s), ConnectOptions.defaults()));

        CheckedProtocol<Recorder> server = await(made(Recorder.class));
        assertThat(await(server.lost())).isNull();
        assertThat(await(client.lost())).isNull();
        assertThat(new String(client.inner().bytes())).isEqualTo("hello");
        assertThat(server.inner().bytes()).isEqualTo(upload);
        assertThat(server.word()).matches("MD+EL");
        assertThat(client.word()).matches("MDE(PR)?L");
    }

    @Test
    void eofReceivedReturningFalseClosesButFlushesFirst() {
        byte[] response = pattern(FOUR_MIB, 9);
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                t.write(response);
            }
            // eofReceived returns false (the default): close, after the buffer is sent
        }), ServerOptions.defaults());
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s),
                ConnectOptions.defaults()));
        client.transport().write("q".getBytes());
        client.transport().writeEof();
        assertThat(await(client.lost())).isNull();
        assertThat(client.inner().bytes()).isEqualTo(response);
        CheckedProtocol<Recorder> server = await(made(Recorder.class));
        assertThat(await(server.lost())).isNull();
    }

    @Test
    void writeEofIsIdempotentAndBothSidesShuttingEndsTheConnection() {
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public boolean eofReceived() {
                super.eofReceived();
                t.writeEof();
                t.writeEof();
                return true;
            }
        }), ServerOptions.defaults());
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s),
                ConnectOptions.defaults()));
        client.transport().writeEof();
        client.transport().writeEof();
        assertThat(await(client.lost())).isNull();
        CheckedProtocol<Recorder> server = await(made(Recorder.class));
        assertThat(await(server.lost())).isNull();
        assertThat(server.word()).isEqualTo("MEL");
        assertThat(client.word()).isEqualTo("MEL");
    }
}
