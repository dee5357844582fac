package io.weft.internal.net.udp;

import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.DatagramQueue;
import io.weft.internal.io.DatagramSink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.net.DatagramProtocol;
import io.weft.net.DatagramTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control and the send queue of a datagram endpoint, over a scripted {@link DatagramIo}.
 *
 * <p>Why not a real socket: on Linux loopback a UDP send never finds the socket full (the
 * loopback device hands each datagram to the receiver at once and frees the sender's buffer
 * space; a full receiver drops instead), so a real socket cannot show a queue building up.
 * The script plays a kernel that takes a set number of datagrams and then has no room.
 */
@Timeout(10)
class DatagramEndpointFlowControlTest {
    static final SocketAddress PEER = new InetSocketAddress("127.0.0.1", 9);

    EventLoop loop;
    ScriptedIo io;
    Events protocol;
    DatagramEndpoint endpoint;

    @BeforeEach
    void setUp() {
        loop = EventLoop.create();
        io = new ScriptedIo();
        protocol = new Events();
        endpoint = new DatagramEndpoint(Loop.of(loop), io, protocol, 65_507, 1000, 200);
        endpoint.start();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /**
     * A kernel that takes {@link #room} more datagrams, then says "no room" until given more; a
     * queue handed to {@link #flush} is drained only when the test says the socket is writable
     * ({@link #writable()}), as a readiness backend does.
     */
    static final class ScriptedIo implements DatagramIo {
        int room;
        IOException failNext;
        final List<byte[]> sent = new ArrayList<>();
        boolean reading;
        /** Whether a queue is waiting for writability. */
        boolean writing;
        boolean closed;
        DatagramSink sink;
        DatagramQueue pending;

        @Override
        public void start(DatagramSink sink) {
            this.sink = sink;
        }

        @Override
        public void setReading(boolean on) {
            reading = on;
        }

        @Override
        public boolean sendNow(ByteBuffer datagram, SocketAddress to) throws IOException {
            if (failNext != null) {
                IOException e = failNext;
                failNext = null;
                throw e;
            }
            if (room == 0) {
                return false;
            }
            room--;
            byte[] b = new byte[datagram.remaining()];
            datagram.get(b);
            sent.add(b);
            return true;
        }

        @Override
        public void flush(DatagramQueue queue) {
            if (!closed && !queue.isEmpty()) {
                pending = queue;
                writing = true;
            }
        }

        /** The socket has room again: send from the queue's front as the real backend does. */
        void writable() {
            DatagramQueue q = pending;
            if (q == null || closed) {
                return;
            }
            boolean progress = false;
            while (!q.isEmpty() && !closed) {
                boolean took;
                try {
                    took = sendNow(q.peek().data(), q.peek().to());
                } catch (IOException e) {
                    q.remove();
                    progress = true;
                    sink.onSendError(e);
                    continue;
                }
                if (!took) {
                    break;
                }
                q.remove();
                progress = true;
            }
            if (q.isEmpty()) {
                pending = null;
                writing = false;
            }
            if (progress && !closed) {
                sink.onFlushed();
            }
        }

        @Override
        public void close() {
            closed = true;
            reading = false;
            writing = false;
            pending = null;
        }

        @Override
        public SocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 1111);
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }
    }

    static final class Events implements DatagramProtocol {
        final List<String> events = new ArrayList<>();
        int lost;

        @Override
        public void connectionMade(DatagramTransport transport) {
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
        }

        @Override
        public void errorReceived(IOException error) {
            events.add("error " + error.getMessage());
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost++;
            events.add("lost " + cause);
        }
    }

    static byte[] bytes(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    /** Sends {@code n} bytes of {@code c} through one buffer the caller then overwrites. */
    final ByteBuffer reused = ByteBuffer.allocate(1000);

    void send(char c, int n) {
        reused.clear();
        reused.put(bytes(c, n)).flip();
        endpoint.sendTo(reused, PEER);
        assertThat(reused.hasRemaining()).as("sendTo takes the whole datagram").isFalse();
        reused.clear();
        reused.put(bytes('?', reused.capacity())); // the caller reuses its buffer at once
    }

    void runOneTurn() {
        Promise<Void> p = loop.newPromise();
        loop.callSoon(() -> p.complete(null));
        loop.runUntilComplete(p);
    }

    @Test
    void pausesAboveHighAndResumesAtLowWithWholeDatagramsInOrder() {
        io.room = 0;
        send('a', 400);
        assertThat(io.writing).as("a queued datagram asks for writability").isTrue();
        send('b', 400);
        assertThat(protocol.events).as("800 bytes queued is not above 1000").isEmpty();
        send('c', 400);
        assertThat(protocol.events).containsExactly("pause");
        send('d', 0);
        assertThat(endpoint.writeBufferSize()).isEqualTo(1200);
        assertThat(protocol.events).as("pause once, not per datagram").containsExactly("pause");

        io.room = 2;
        io.writable();
        assertThat(endpoint.writeBufferSize()).isEqualTo(400);
        assertThat(protocol.events).as("400 bytes left is above the low mark of 200").containsExactly("pause");

        io.room = 1;
        io.writable();
        assertThat(endpoint.writeBufferSize()).isZero();
        assertThat(protocol.events).containsExactly("pause", "resume");
        assertThat(io.writing).as("the empty datagram is still queued").isTrue();

        io.room = 1;
        io.writable();
        assertThat(io.writing).isFalse();
        assertThat(io.sent).containsExactly(bytes('a', 400), bytes('b', 400), bytes('c', 400), new byte[0]);
        assertThat(protocol.events).containsExactly("pause", "resume");
    }

    @Test
    void aDatagramSentWhileOthersWaitGoesBehindThemEvenIfTheKernelHasRoom() {
        io.room = 0;
        send('a', 10);
        io.room = 5; // the socket drained, but the loop has not said so yet
        send('b', 10);
        assertThat(io.sent).as("b must not overtake a").isEmpty();
        io.writable();
        assertThat(io.sent).containsExactly(bytes('a', 10), bytes('b', 10));
    }

    @Test
    void newWaterMarksApplyAtOnce() {
        io.room = 0;
        send('a', 500);
        endpoint.setWriteBufferLimits(400, 100);
        assertThat(protocol.events).containsExactly("pause");
        endpoint.setWriteBufferLimits(1000, 600);
        assertThat(protocol.events).containsExactly("pause", "resume");
        assertThatThrownBy(() -> endpoint.setWriteBufferLimits(10, 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeSendsWhatIsQueuedThenReportsLostOnce() {
        io.room = 0;
        send('a', 10);
        send('b', 10);
        endpoint.close();
        assertThat(io.closed).as("close waits for the queue").isFalse();
        assertThat(io.reading).as("but stops receiving at once").isFalse();
        assertThatThrownBy(() -> send('c', 10)).isInstanceOf(IllegalStateException.class);

        io.room = 10;
        io.writable();
        assertThat(io.sent).containsExactly(bytes('a', 10), bytes('b', 10));
        assertThat(io.closed).isTrue();
        runOneTurn();
        endpoint.close();
        endpoint.abort();
        runOneTurn();
        assertThat(protocol.lost).isEqualTo(1);
        assertThat(protocol.events).containsExactly("lost null");
    }

    @Test
    void abortDropsTheQueue() {
        io.room = 0;
        send('a', 10);
        endpoint.abort();
        assertThat(io.closed).isTrue();
        assertThat(endpoint.writeBufferSize()).isZero();
        runOneTurn();
        assertThat(io.sent).isEmpty();
        assertThat(protocol.events).containsExactly("lost null");
    }

    @Test
    void aRefusedQueuedDatagramIsReportedAndTheRestGoOn() {
        io.room = 0;
        send('x', 10);
        send('y', 10);
        send('z', 10);
        io.room = 10;
        io.failNext = new IOException("no route");
        io.writable();
        assertThat(io.sent).containsExactly(bytes('y', 10), bytes('z', 10));
        assertThat(protocol.events).containsExactly("error no route");
        assertThat(endpoint.writeBufferSize()).isZero();
        assertThat(endpoint.isClosing()).isFalse();
    }

    @Test
    void aRefusedImmediateSendIsReportedOnALaterCallbackNotInsideSendTo() {
        io.room = 10;
        io.failNext = new IOException("no route");
        send('x', 10);
        assertThat(protocol.events).isEmpty();
        runOneTurn();
        assertThat(protocol.events).containsExactly("error no route");
        send('y', 10);
        assertThat(io.sent).containsExactly(bytes('y', 10));
    }
}
