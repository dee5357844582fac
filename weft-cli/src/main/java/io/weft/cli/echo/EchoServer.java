package io.weft.cli.echo;

import io.weft.cli.serve.LoopServer;
import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.StartException;
import io.weft.loop.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * An echo server on a loop of its own, in callback style ({@link EchoProtocol}) or with green
 * threads ({@link GreenEcho}), as {@link ServeOptions#style()} says: {@link #start} returns once it listens, {@link #stop}
 * once it has shut down gracefully (stopped accepting, flushed and closed every connection,
 * cutting those still open at the shutdown deadline). What {@code weft echo} runs, and what the
 * tests start and stop without signals.
 *
 * <p>Threads: any thread but the server's loop thread; {@link #stop} may be called more than
 * once and from several threads.
 */
public final class EchoServer implements AutoCloseable {
    private final LoopServer server;
    /** One set per loop, each touched only on its loop's thread. */
    private final Map<EventLoop, EchoStats> stats = new ConcurrentHashMap<>();
    private Summary summary; // guarded by this

    /**
     * What a stopped server did.
     *
     * @param connections connections served
     * @param bytes       bytes echoed
     * @param readPauses  how often reading was paused for a slow reader
     * @param cut         connections still open at the shutdown deadline, closed without flushing
     * @param perLoop     connections accepted by each loop, in loop order; empty with one loop
     */
    public record Summary(long connections, long bytes, long readPauses, int cut, List<Long> perLoop) {

        /** The per-loop line, {@code per loop: 512, 488 connections}, or empty with one loop. */
        public Optional<String> describePerLoop() {
            if (perLoop.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("per loop: " + perLoop.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " connections");
        }

        /** One line for the terminal. */
        public String describe() {
            return "weft echo stopped: " + connections + (connections == 1 ? " connection" : " connections") + " served, "
                    + bytes + " bytes echoed, reading paused " + readPauses + (readPauses == 1 ? " time" : " times")
                    + " for slow readers" + (cut == 0 ? "" : ", " + cut + " cut at the shutdown deadline");
        }
    }

    private EchoServer(ServeOptions options) throws StartException {
        this.server = switch (options.style()) {
            case CALLBACKS -> LoopServer.start(options, loop -> {
                EchoStats mine = statsOf(loop);
                return () -> new EchoProtocol(mine);
            });
            case GREEN -> LoopServer.start(options, loop -> GreenEcho.on(loop, options.server(), statsOf(loop)));
        };
    }

    private EchoStats statsOf(EventLoop loop) {
        return stats.computeIfAbsent(loop, l -> new EchoStats());
    }

    /** The counters of every loop added up, each read on its own loop. */
    private EchoStats.Snapshot total() {
        long connections = 0;
        long bytes = 0;
        long pauses = 0;
        for (EchoStats.Snapshot s : server.onEachLoop(() -> statsOf(currentLoop()).snapshot())) {
            connections += s.connections();
            bytes += s.bytes();
            pauses += s.readPauses();
        }
        return new EchoStats.Snapshot(connections, bytes, pauses);
    }

    private EventLoop currentLoop() {
        for (EventLoop l : server.loops()) {
            if (l.inLoop()) {
                return l;
            }
        }
        throw new WrongThreadException("not on one of " + server.loops());
    }

    /** Connections accepted per loop, in loop order; empty when serving on one loop. */
    public List<Long> acceptedPerLoop() {
        return server.acceptedPerLoop();
    }

    /** Starts listening as {@code options} say; returns once listening. */
    public static EchoServer start(ServeOptions options) throws StartException {
        return new EchoServer(options);
    }

    /** Where a client on this machine should connect. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** Every address listened on, for people: {@code 127.0.0.1:7007}. */
    public String describeAddresses() {
        return server.describeAddresses();
    }

    /** Connections open now. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** The counters so far, read on the loop. */
    public EchoStats.Snapshot stats() {
        return total();
    }

    /** Bytes buffered for output across all connections now, read on the loop. */
    public long bufferedBytes() {
        return server.bufferedBytes();
    }

    /** Shuts down gracefully, ends the loop, and says what the server did. Idempotent. */
    public synchronized Summary stop() {
        if (summary == null) {
            LoopServer.Shutdown s = server.shutdown(() -> {
            });
            EchoStats.Snapshot last = total();
            List<Long> perLoop = server.acceptedPerLoop();
            server.close();
            summary = new Summary(last.connections(), last.bytes(), last.readPauses(), s.cut(), perLoop);
        }
        return summary;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
