package io.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.net.Server;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reader's contract, on real loopback connections fed by a peer that controls segmenting. */
@Timeout(60)
class StreamReaderTest extends StreamTestBase {
    final AtomicReference<Server> server = new AtomicReference<>();

    InetSocketAddress addr() {
        return address(server.get());
    }

    @Test
    void readExactlyGathersManySmallSegments() {
        Promise<Probe> made = probeServer(true, server::set);
        byte[] payload = new byte[3500];
        new Random(7).nextBytes(payload);
        Promise<byte[]> peer = segmentedPeer(addr(), split(payload, 7), true);
        Probe p = run(made);

        byte[] got = run(p.reader().readExactly(payload.length));

        assertThat(got).isEqualTo(payload);
        assertThat(p.reads).as("segments delivered as separate reads").isEqualTo(500);
        assertThat(run(p.reader().read(10))).as("then EOF").isEmpty();
        p.writer().close();
        assertThat(run(peer)).isEmpty();
    }

    @Test
    void readLineStripsLfAndCrlfEvenWhenSplitAcrossSegments() {
        Promise<Probe> made = probeServer(true, server::set);
        List<byte[]> segments = List.of(bytes("unix\nwin"), bytes("dows\r"), bytes("\nbare\rcr\r\n"), bytes("\r\n\n"),
                bytes("last line, no newline"));
        Promise<byte[]> peer = segmentedPeer(addr(), segments, true);
        Probe p = run(made);
        StreamReader r = p.reader();

        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add(text(run(r.readLine())));
        }

        assertThat(lines).containsExactly("unix", "windows", "bare\rcr", "", "", "last line, no newline");
        assertThat(run(r.readLine())).as("after the last line").isNull();
        assertThat(run(r.readLine())).as("and again").isNull();
        assertThat(r.atEof()).isTrue();
        p.writer().close();
        run(peer);
    }

    @Test
    void readUntilIncludesTheSeparatorAndFindsOneSplitAcrossSegments() {
        Promise<Probe> made = probeServer(true, server::set);
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(bytes("a--"), bytes("-b-"), bytes("--c")), true);
        Probe p = run(made);

        assertThat(text(run(p.reader().readUntil(bytes("---"))))).isEqualTo("a---");
        assertThat(text(run(p.reader().readUntil(bytes("---"))))).isEqualTo("b---");
        Throwable e = failureOf(p.reader().readUntil(bytes("---")));
        assertThat(e).isInstanceOf(IncompleteReadException.class);
        assertThat(text(((IncompleteReadException) e).partial())).isEqualTo("c");
        assertThat(((IncompleteReadException) e).expected()).isEmpty();
        p.writer().close();
        run(peer);
    }

    @Test
    void readAtEofReturnsWhatIsBufferedThenEmptyArraysForEver() {
        Promise<Probe> made = probeServer(true, server::set);
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(bytes("hello")), true);
        Probe p = run(made);
        StreamReader r = p.reader();

        assertThat(text(run(r.read(3)))).isEqualTo("hel");
        assertThat(text(run(r.read(100)))).isEqualTo("lo");
        assertThat(run(r.read(100))).isEmpty();
        assertThat(run(r.read(100))).isEmpty();
        assertThat(run(r.readExactly(0))).isEmpty();
        assertThat(r.atEof()).isTrue();
        p.writer().close();
        run(peer);
    }

    @Test
    void aResetReachesThePendingReadAndLaterOnesAfterTheBufferedBytes() {
        Promise<Probe> made = probeServer(true, server::set);
        // Sends "abc", waits for the ack, then resets the connection (SO_LINGER 0).
        java.util.concurrent.CompletableFuture<Void> reset = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (java.net.Socket sock = new java.net.Socket()) {
                sock.connect(addr());
                sock.getOutputStream().write(bytes("abc"));
                sock.getInputStream().read();
                sock.setSoLinger(true, 0);
                reset.complete(null);
            } catch (Throwable e) {
                reset.completeExceptionally(e);
            }
        });
        Probe p = run(made);
        StreamReader r = p.reader();

        Promise<byte[]> pending = r.readExactly(10);
        Throwable e = failureOf(pending);
        assertThat(e).isInstanceOf(io.weft.net.ConnectionResetException.class);
        assertThat(text(run(r.read(10)))).as("bytes that arrived before the reset are still read").isEqualTo("abc");
        assertThat(failureOf(r.read(10))).isSameAs(e);
        assertThat(failureOf(r.readLine())).isSameAs(e);
        assertThat(r.atEof()).isFalse();
        run(Promise.from(loop, reset));
    }

    @Test
    void readExactlyFailsOnEarlyEofWithThePartialBytes() {
        Promise<Probe> made = probeServer(true, server::set);
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(bytes("12"), bytes("345")), true);
        Probe p = run(made);

        Throwable e = failureOf(p.reader().readExactly(10));

        assertThat(e).isInstanceOf(IncompleteReadException.class).hasMessageContaining("5 bytes read before EOF")
                .hasMessageContaining("10 expected");
        IncompleteReadException ire = (IncompleteReadException) e;
        assertThat(text(ire.partial())).isEqualTo("12345");
        assertThat(ire.expected()).hasValue(10);
        assertThat(p.reader().bufferedBytes()).as("the partial bytes were handed over").isZero();
        assertThat(run(p.reader().read(10))).isEmpty();
        p.writer().close();
        run(peer);
    }

    @Test
    void anEndlessLineFailsWithLimitExceededAndMemoryStaysBounded() {
        Promise<Probe> made = probeServer(false, server::set);
        StreamConnection client = run(Streams.connect(loop, addr(), io.weft.net.ConnectOptions.defaults()));
        byte[] line = new byte[1 << 20];
        Arrays.fill(line, (byte) 'x');
        client.writer().write(line);
        client.writer().write(bytes("\nafter\n"));
        Probe p = run(made);
        StreamReader r = p.reader();
        int limit = StreamReader.DEFAULT_LIMIT;
        int oneRead = 64 * 1024;

        Throwable e = failureOf(r.readLine());

        assertThat(e).isInstanceOf(LimitExceededException.class).hasMessage("line longer than 65536 bytes");
        assertThat(((LimitExceededException) e).limit()).isEqualTo(limit);
        assertThat(r.bufferedBytes()).as("nothing consumed").isGreaterThanOrEqualTo(limit);
        // The rest of the megabyte is ready in the kernel; a reader that kept reading would
        // take it within these turns.
        turns(50);
        assertThat(p.peakBuffered).isLessThanOrEqualTo(limit + oneRead);
        assertThat(r.bufferedBytes()).isLessThan(line.length);

        // Getting past the line: skipping resumes reading and still holds almost nothing.
        long skipped = run(r.skipUntil(bytes("\n")));
        assertThat(skipped).isEqualTo(line.length + 1);
        assertThat(text(run(r.readLine()))).isEqualTo("after");
        assertThat(p.peakBuffered).isLessThanOrEqualTo(limit + oneRead);
        run(client.writer().close());
        assertThat(run(r.readLine())).isNull();
        run(p.writer().close());
    }

    @Test
    void aLineOfExactlyTheLimitIsAcceptedAndOneByteMoreIsNot() {
        Promise<Probe> made = probeServer(true, server::set);
        byte[] fits = new byte[100];
        Arrays.fill(fits, (byte) 'a');
        fits[99] = '\n';
        byte[] tooLong = new byte[101];
        Arrays.fill(tooLong, (byte) 'b');
        tooLong[100] = '\n';
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(fits, tooLong), true);
        Probe p = run(made);
        p.reader().setLimit(100);

        assertThat(run(p.reader().readLine())).hasSize(99);
        Throwable e = failureOf(p.reader().readLine());
        assertThat(e).isInstanceOf(LimitExceededException.class).hasMessage("line longer than 100 bytes");
        e = failureOf(p.reader().readUntil(bytes("\n")));
        assertThat(e).isInstanceOf(LimitExceededException.class).hasMessage("separator not found within 100 bytes");
        assertThat(run(p.reader().readExactly(101))).isEqualTo(tooLong);
        p.writer().close();
        run(peer);
    }

    @Test
    void aSecondConcurrentReadIsRejected() {
        Promise<Probe> made = probeServer(true, server::set);
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(bytes("line\n")), false);
        Probe p = run(made);
        StreamReader r = p.reader();

        Promise<byte[]> first = r.readExactly(1000);
        assertThatThrownBy(r::readLine).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already pending").hasMessageContaining("one pending read at a time");
        assertThatThrownBy(() -> r.read(1)).isInstanceOf(IllegalStateException.class);
        until(() -> r.bufferedBytes() == 5);
        assertThat(first.isDone()).as("the rejected reads left the first alone").isFalse();

        // Closing our side ends the stream as EOF does: the first read gets what arrived.
        p.writer().close();
        Throwable e = failureOf(first);
        assertThat(e).isInstanceOf(IncompleteReadException.class);
        assertThat(text(((IncompleteReadException) e).partial())).isEqualTo("line\n");
        assertThat(run(r.read(1))).as("free again once the first is done").isEmpty();
        run(peer);
    }

    @Test
    void aCancelledReadLeavesTheBufferedBytesForTheNextRead() {
        Promise<Probe> made = probeServer(true, server::set);
        // No EOF from the peer: the pending read must stay pending until cancelled.
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(bytes("partial "), bytes("line\nrest")), false);
        Probe p = run(made);
        StreamReader r = p.reader();

        // Bytes buffered, and a read pending that they cannot satisfy.
        Promise<byte[]> big = r.readExactly(1 << 20);
        until(() -> r.bufferedBytes() >= 8);
        int buffered = r.bufferedBytes();
        assertThat(big.cancel()).isTrue();
        assertThat(r.bufferedBytes()).isEqualTo(buffered);

        assertThat(text(run(r.readLine()))).isEqualTo("partial line");
        assertThat(text(run(r.read(100)))).isEqualTo("rest");
        p.writer().close();
        run(peer);
    }

    @Test
    void cancellingAMappedReadCancelsTheReadAndFreesTheReader() {
        Promise<Probe> made = probeServer(true, server::set);
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(bytes("abc")), false);
        Probe p = run(made);
        StreamReader r = p.reader();
        until(() -> r.bufferedBytes() == 3);

        Promise<String> line = r.readLine().map(StreamTestBase::text);
        turns(2);
        assertThat(line.cancel()).isTrue();

        assertThat(text(run(r.readExactly(3)))).isEqualTo("abc");
        p.writer().close();
        run(peer);
    }

    @Test
    void readsFromAnotherThreadFailFast() throws Exception {
        Promise<Probe> made = probeServer(true, server::set);
        Promise<byte[]> peer = segmentedPeer(addr(), List.of(), true);
        Probe p = run(made);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                p.reader().read(1);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        assertThat(thrown.get()).isInstanceOf(WrongThreadException.class).hasMessageContaining("loop.execute");
        p.writer().close();
        run(peer);
    }
}
