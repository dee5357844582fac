package io.weft.bench;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Starting and stopping the loops the benchmarks compare, configured alike: one thread each,
 * NIO selector underneath, defaults otherwise (Weft's debug mode off).
 */
final class Peers {
    private Peers() {
    }

    /** The configuration of every Weft loop here: the defaults, debug mode off whatever the environment says. */
    static LoopConfig weftConfig() {
        return LoopConfig.builder().debug(false).threadName("weft-bench-loop").build();
    }

    /** A Weft loop running on a thread of its own. */
    static EventLoop weftLoop() {
        return EventLoop.start(weftConfig());
    }

    /** A Weft loop on backend {@code poller}, running on a thread of its own. */
    static EventLoop weftLoop(io.weft.loop.PollerKind poller) {
        return EventLoop.start(weftConfig().toBuilder().poller(poller).build());
    }

    /** A Netty 4.2 event loop group of one NIO loop; use {@code group.next()} as the loop. */
    static IoEventLoopGroup nettyGroup() {
        return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    static void shutDown(IoEventLoopGroup group) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Runs {@code work} on {@code loop} and waits for it; for set-up and checks, not measured. */
    static void runOn(Executor loop, Runnable work) {
        CompletableFuture.runAsync(work, loop).join();
    }

    /** Fails the run loudly when a benchmark did not do the work it claims to measure. */
    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark sanity check failed: " + what);
        }
    }
}
