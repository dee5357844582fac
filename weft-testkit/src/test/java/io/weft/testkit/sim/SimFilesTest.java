package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.file.AsyncFile;
import io.weft.file.FileClosedException;
import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.file.FileTooLargeException;
import io.weft.future.Promise;
import io.weft.green.GreenFile;
import io.weft.loop.EventLoop;
import io.weft.loop.Handle;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import io.weft.testkit.FileContract;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Files under simulation: {@code AsyncFile} and {@code GreenFile} code, unchanged, on a simulated
 * host's {@link SimFileSystem}. One seed gives one trace; short reads and write calls still give
 * the right bytes; a full disk is the real backends' typed ENOSPC and the loop goes on; a slow
 * fsync holds no timer; a crash keeps what was synced only.
 */
class SimFilesTest {
    private static final Path DATA = Path.of("/data");

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code content} to {@code path} in sequential writes of {@code piece} bytes, syncs and closes. */
    static Promise<Void> writeInPieces(EventLoop loop, Path path, byte[] content, int piece) {
        return AsyncFile.open(loop, path, FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE)
                .flatMap(f -> writeFrom(f, content, 0, piece).flatMap(v -> f.fsync()).flatMap(v -> f.close()));
    }

    private static Promise<Void> writeFrom(AsyncFile f, byte[] content, int from, int piece) {
        if (from >= content.length) {
            return Promise.completed(f.loop(), null);
        }
        int n = Math.min(piece, content.length - from);
        return f.write(ByteBuffer.wrap(content, from, n)).flatMap(w -> writeFrom(f, content, from + n, piece));
    }

    /** A user's own read loop: positional reads until the buffer is full or the file ends. */
    static Promise<Integer> readFully(AsyncFile f, ByteBuffer dst, long position) {
        return f.read(position, dst).flatMap(n -> n < 0 || !dst.hasRemaining() ? Promise.completed(f.loop(), dst.position())
                : readFully(f, dst, position + n));
    }

    /**
     * The same user code under any seed: write a file in pieces, read it whole three ways, copy
     * it, list and rename, and in a green thread read it blocking-style. Returns the trace hash.
     */
    static String fileWork(long seed, DiskFaults disk) throws Exception {
        Simulation sim = Simulation.create(seed);
        byte[] content = pattern(300_000 + (int) seed, seed);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            host.files().faults(disk);
            EventLoop loop = host.loop();
            loop.runUntilComplete(AsyncFile.mkdirs(loop, DATA.resolve("in")));
            Path a = DATA.resolve("in/a.bin");
            loop.runUntilComplete(writeInPieces(loop, a, content, 40_000));
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, a));
            ByteBuffer all = loop.runUntilComplete(f.readAll());
            assertThat(bytes(all)).isEqualTo(content);
            assertThat(loop.runUntilComplete(f.readAllBytes())).isEqualTo(content);
            ByteBuffer mine = ByteBuffer.allocate(content.length + 10);
            assertThat(loop.runUntilComplete(readFully(f, mine, 0))).isEqualTo(content.length);
            assertThat(bytes(mine.flip())).isEqualTo(content);
            loop.runUntilComplete(f.close());
            Path b = DATA.resolve("b.bin");
            List<Long> heard = new ArrayList<>();
            assertThat(loop.runUntilComplete(AsyncFile.copy(loop, a, b, heard::add))).isEqualTo(content.length);
            assertThat(heard).last().isEqualTo((long) content.length);
            assertThat(host.files().contents(b)).isEqualTo(content);
            assertThat(loop.runUntilComplete(AsyncFile.list(loop, DATA))).containsExactly(b, DATA.resolve("in"));
            loop.runUntilComplete(AsyncFile.rename(loop, b, DATA.resolve("c.bin")));
            List<FileStat> stats = loop.runUntilComplete(AsyncFile.listStats(loop, DATA));
            assertThat(stats).extracting(FileStat::path).containsExactly(DATA.resolve("c.bin"), DATA.resolve("in"));
            assertThat(stats.get(0).size()).isEqualTo(content.length);
            byte[] green = loop.runUntilComplete(loop.spawn(() -> GreenFile.readAllBytes(DATA.resolve("c.bin"))));
            assertThat(green).isEqualTo(content);
            loop.runUntilComplete(AsyncFile.delete(loop, DATA.resolve("c.bin")));
        });
        assertThat(sim.violations()).as("real-clock reads").isEmpty();
        assertThat(sim.openFiles()).as("files left open").isZero();
        return sim.trace().hex();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void theSameSeedGivesTheSameTraceAndSeedsDiffer() throws Exception {
        Set<String> hashes = new HashSet<>();
        for (long seed = 1; seed <= 12; seed++) {
            String first = fileWork(seed, DiskFaults.benign());
            assertThat(fileWork(seed, DiskFaults.benign())).as("seed " + seed + " again").isEqualTo(first);
            hashes.add(first);
        }
        assertThat(hashes).as("one hash per seed").hasSize(12);
    }

    /** The JUnit way: each seed one invocation, failing on a real-clock read or a file left open. */
    @Simulated(seeds = 20)
    void appendedLinesReadBackInOrderUnderAnySeed(Simulation sim) {
        SimHost host = sim.host("disk");
        EventLoop loop = host.loop();
        Path log = Path.of("/log");
        AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, log, FileOption.APPEND, FileOption.CREATE));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String line = "line " + i + " " + "x".repeat(i * 37) + "\n";
            expected.append(line);
            loop.runUntilComplete(f.write(ByteBuffer.wrap(line.getBytes())));
        }
        loop.runUntilComplete(f.close());
        AsyncFile r = loop.runUntilComplete(AsyncFile.open(loop, log));
        assertThat(new String(loop.runUntilComplete(r.readAllBytes()))).isEqualTo(expected.toString());
        loop.runUntilComplete(r.close());
    }

    @Test
    void shortReadsAndWriteCallsStillGiveTheRightBytes() throws Exception {
        DiskFaults everyCallShort = DiskFaults.benign().shortReads(1).shortWrites(1);
        for (long seed = 1; seed <= 5; seed++) {
            fileWork(seed, everyCallShort); // asserts the bytes of every read path
        }
        Simulation sim = Simulation.create(3);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            host.files().faults(everyCallShort).write(DATA.resolve("x"), pattern(10_000, 1));
            EventLoop loop = host.loop();
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, DATA.resolve("x")));
            int n = loop.runUntilComplete(f.read(0, ByteBuffer.allocate(10_000)));
            assertThat(n).as("one read, short").isBetween(1, 9_999);
            loop.runUntilComplete(f.close());
        });
    }

    @Test
    void errorsAreTheRealBackendsOnes() throws Exception {
        Simulation sim = Simulation.create(5);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            EventLoop loop = host.loop();
            loop.runUntilComplete(AsyncFile.mkdirs(loop, DATA));
            FileContract.typedErrors(loop, DATA, loop::runUntilComplete);
            Path locked = DATA.resolve("locked");
            host.files().write(locked, new byte[] {1}).deny(locked);
            FileContract.assertPermissionDenied(FileContract.failure(loop::runUntilComplete, AsyncFile.open(loop, locked)),
                    locked);
        });
    }

    @Test
    void aFullDiskIsNoSpaceLeftAndTheLoopGoesOn() throws Exception {
        Simulation sim = Simulation.create(9);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            host.files().capacity(100_000);
            EventLoop loop = host.loop();
            Path big = Path.of("/big");
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, big, FileOption.WRITE, FileOption.CREATE));
            Throwable e = FileContract.failure(loop::runUntilComplete, f.write(0, ByteBuffer.wrap(pattern(150_000, 2))));
            FileContract.assertNoSpaceLeft(e, "write", big);
            assertThat(host.files().used()).as("the bytes that fit stay written").isEqualTo(100_000);
            assertThat(host.files().contents(big)).isEqualTo(java.util.Arrays.copyOf(pattern(150_000, 2), 100_000));
            FileContract.assertNoSpaceLeft(FileContract.failure(loop::runUntilComplete,
                    AsyncFile.copy(loop, big, Path.of("/copy"))), "copy", Path.of("/copy"));
            // The loop goes on serving: timers fire, and once there is room again writes succeed.
            Promise<String> tick = loop.newPromise();
            loop.callLater(Duration.ofMillis(5), () -> tick.complete("tick"));
            assertThat(loop.runUntilComplete(tick)).isEqualTo("tick");
            loop.runUntilComplete(f.truncate(1000));
            assertThat(loop.runUntilComplete(f.write(1000, ByteBuffer.wrap(new byte[50_000])))).isEqualTo(50_000);
            loop.runUntilComplete(f.close());
            long used = host.files().used();
            AsyncFile h = loop.runUntilComplete(AsyncFile.open(loop, Path.of("/hole"), FileOption.WRITE, FileOption.CREATE));
            FileContract.assertNoSpaceLeft(FileContract.failure(loop::runUntilComplete,
                    h.write(200_000, ByteBuffer.allocate(10))), "write", Path.of("/hole")); // the hole takes room too
            assertThat(host.files().used()).isEqualTo(used);
            loop.runUntilComplete(h.close());
            host.files().maxFileSize(60_000);
            AsyncFile g = loop.runUntilComplete(AsyncFile.open(loop, Path.of("/g"), FileOption.WRITE, FileOption.CREATE));
            assertThat(FileContract.failure(loop::runUntilComplete, g.write(60_000, ByteBuffer.allocate(1))))
                    .isInstanceOf(FileTooLargeException.class).hasMessage("write /g: file too large");
            loop.runUntilComplete(g.close());
        });
    }

    @Test
    void aSlowFsyncHoldsNoTimer() throws Exception {
        Simulation sim = Simulation.create(11);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            host.files().faults(DiskFaults.none().sync(Duration.ofSeconds(2), Duration.ofSeconds(2)));
            EventLoop loop = host.loop();
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, Path.of("/log"), FileOption.WRITE, FileOption.CREATE));
            loop.runUntilComplete(f.write(ByteBuffer.wrap(pattern(4096, 3))));
            int[] ticks = new int[1];
            long start = loop.time();
            Handle[] every = new Handle[1];
            Runnable tick = new Runnable() {
                @Override
                public void run() {
                    ticks[0]++;
                    every[0] = loop.callLater(Duration.ofMillis(10), this);
                }
            };
            every[0] = loop.callLater(Duration.ofMillis(10), tick);
            Promise<Integer> ticksAtSync = f.fsync().map(v -> ticks[0]);
            assertThat(loop.runUntilComplete(ticksAtSync)).as("10 ms timers during a 2 s fsync").isBetween(195, 200);
            assertThat(loop.time() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
            every[0].cancel();
            loop.runUntilComplete(f.close());
        });
    }

    @Test
    void aCrashKeepsWhatWasSyncedOnly() throws Exception {
        Simulation sim = Simulation.create(13);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            EventLoop loop = host.loop();
            Path p = Path.of("/journal");
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, p, FileOption.APPEND, FileOption.CREATE));
            loop.runUntilComplete(f.write(ByteBuffer.wrap("synced ".getBytes())));
            loop.runUntilComplete(f.fdatasync());
            loop.runUntilComplete(f.write(ByteBuffer.wrap("lost".getBytes())));
            assertThat(host.files().contents(p)).asString().isEqualTo("synced lost");
            host.files().crash();
            assertThat(host.files().contents(p)).asString().isEqualTo("synced ");
            assertThat(FileContract.failure(loop::runUntilComplete, f.write(ByteBuffer.wrap("x".getBytes()))))
                    .isInstanceOf(FileClosedException.class);
            loop.runUntilComplete(f.close());
            AsyncFile again = loop.runUntilComplete(AsyncFile.open(loop, p));
            assertThat(loop.runUntilComplete(again.readAllBytes())).asString().isEqualTo("synced ");
            loop.runUntilComplete(again.close());
            Path never = Path.of("/never-synced");
            loop.runUntilComplete(writeUnsynced(loop, never));
            host.files().crash();
            assertThat(host.files().contents(never)).as("a file never synced comes back empty").isEmpty();
        });
    }

    private static Promise<Void> writeUnsynced(EventLoop loop, Path p) {
        return AsyncFile.open(loop, p, FileOption.WRITE, FileOption.CREATE)
                .flatMap(f -> f.write(ByteBuffer.wrap(new byte[100])).flatMap(n -> f.close()));
    }

    /**
     * A file from one host's disk to another's over the simulated network: the server sends it
     * with {@code Transport.sendFile} (the copy loop over AsyncFile reads, as on TLS), the client
     * writes what arrives with {@code AsyncFile.writeFrom}. Each host has a disk of its own.
     */
    @Test
    void aFileCrossesTheNetworkFromDiskToDisk() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Simulation sim = Simulation.create(seed);
            byte[] content = pattern(700_000, seed);
            sim.run(() -> {
                SimHost serverHost = sim.host("server");
                serverHost.files().write(Path.of("/srv/file"), content);
                EventLoop server = serverHost.loop();
                EventLoop client = sim.host("client").loop();
                Server s = server.runUntilComplete(Net.createServer(server, () -> new Protocol() {
                    @Override
                    public void connectionMade(Transport t) {
                        AsyncFile.open(server, Path.of("/srv/file"))
                                .flatMap(f -> t.sendFile(f, 0, content.length).whenComplete((n, e) -> f.close()))
                                .whenComplete((n, e) -> t.close());
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                    }
                }, serverHost.address(80), ServerOptions.defaults()));
                AsyncFile out = client.runUntilComplete(AsyncFile.open(client, Path.of("/file"), FileOption.WRITE,
                        FileOption.CREATE));
                Promise<Long> received = client.newPromise();
                client.runUntilComplete(Net.createConnection(client, () -> new Protocol() {
                    @Override
                    public void connectionMade(Transport t) {
                        out.writeFrom(t, 0, -1).whenComplete((n, e) -> {
                            if (e != null) {
                                received.fail(e);
                            } else {
                                received.complete(n);
                            }
                        });
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                    }
                }, "server", 80, ConnectOptions.defaults()));
                assertThat(client.runUntilComplete(received)).isEqualTo(content.length);
                client.runUntilComplete(out.close());
                assertThat(sim.host("client").files().contents(Path.of("/file"))).isEqualTo(content);
                assertThat(sim.host("server").files().exists(Path.of("/file"))).as("another host's disk").isFalse();
                s.close();
            });
            assertThat(sim.openFiles()).isZero();
        }
    }

    @Test
    void aCancelledWriteStopsBetweenCallsAndKeepsWhatItPlaced() throws Exception {
        Simulation sim = Simulation.create(17);
        sim.run(() -> {
            SimHost host = sim.host("disk");
            host.files().faults(DiskFaults.none().latency(Duration.ofMillis(1), Duration.ofMillis(1)));
            EventLoop loop = host.loop();
            Path p = Path.of("/big");
            AsyncFile f = loop.runUntilComplete(AsyncFile.open(loop, p, FileOption.WRITE, FileOption.CREATE));
            Promise<Integer> write = f.write(0, ByteBuffer.wrap(pattern(20 << 20, 4))); // three calls of at most 8 MiB
            loop.callLater(Duration.ofNanos(1_500_000), write::cancel); // after the first call, before the second
            assertThatThrownBy(() -> loop.runUntilComplete(write)).isInstanceOf(java.util.concurrent.CancellationException.class);
            loop.runUntilComplete(f.close()); // waits for the write to end
            assertThat(host.files().contents(p)).isEqualTo(java.util.Arrays.copyOf(pattern(20 << 20, 4), 8 << 20));
        });
    }

    @Test
    void addReaderIsRefusedUnderSimulationAndTheLoopGoesOn() throws Exception {
        Simulation sim = Simulation.create(1);
        sim.run(() -> {
            EventLoop loop = sim.host("a").loop();
            java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
            try (var source = pipe.source(); var sink = pipe.sink()) {
                assertThatThrownBy(() -> loop.addReader(pipe.source(), () -> { }))
                        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Net");
                assertThatThrownBy(() -> loop.addWriter(pipe.sink(), () -> { }))
                        .isInstanceOf(UnsupportedOperationException.class);
            }
            Promise<String> later = loop.newPromise();
            loop.callLater(Duration.ofMillis(1), () -> later.complete("still serving"));
            assertThat(loop.runUntilComplete(later)).isEqualTo("still serving");
        });
    }
}
