package io.weft.internal.loop;

import io.weft.internal.io.DriverContext;
import io.weft.internal.io.IoDriver;
import io.weft.loop.LoopConfig;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Something that runs loops itself instead of letting each block on a thread of its own: the
 * test kit's deterministic simulation, which steps every loop on one thread in an order of its
 * choosing, over a driver of its own and on its own clock.
 *
 * <p>A host is installed on a thread ({@link #install}); every loop opened on that thread while
 * it is installed ({@code EventLoop.create}, {@code EventLoop.start}, {@code LoopGroup.start})
 * is opened under it: it gets the host's configuration, clock and driver, and a loop that asked
 * for a thread of its own gets none. Nothing the user writes changes. A hosted loop runs only
 * when its host calls {@link Loop#hostedTurn}; its {@code runForever} and a blocking
 * {@code Promise.join} on it hand control to {@link #runUntil}.
 *
 * <p>Threading: the host's thread only. Not exported but to the test kit.
 */
public interface LoopHost {

    /** The configuration a loop opening under this host really gets (its clock above all). */
    LoopConfig configure(LoopConfig asked);

    /** The driver of a loop opening under this host. */
    IoDriver openDriver(DriverContext context) throws IOException;

    /**
     * A loop was opened under this host.
     *
     * @param ownThread whether it was asked for with a thread of its own ({@code EventLoop.start}):
     *                  code outside its turns then counts as another thread
     */
    void opened(Loop loop, boolean ownThread);

    /**
     * Runs this host's loops until {@code done} is true. Called on the host's thread, outside
     * every turn: from a hosted loop's {@code runForever}, or from a {@code join} that would
     * otherwise block the one thread that runs everything.
     */
    void runUntil(BooleanSupplier done);

    /** Whether {@code loop} was opened under this host. */
    boolean hosts(io.weft.loop.EventLoop loop);

    /**
     * The real clock ({@code Clock.system()}) was read on the host's thread: under simulated
     * time that is a source of non-determinism, which a host may report or refuse by throwing.
     */
    default void onRealClockRead() {
    }

    /** Whether any thread has a host installed: one volatile read, for the real clock's hot path. */
    static boolean anyInstalled() {
        return HostSlot.installed != 0;
    }

    /** Tells the calling thread's host, if any, that the real clock was read. */
    static void realClockRead() {
        LoopHost h = HostSlot.CURRENT.get();
        if (h == null) {
            Loop loop = Loop.current(); // a green thread runs on its own (virtual) thread
            h = loop == null ? null : loop.host();
        }
        if (h != null) {
            h.onRealClockRead();
        }
    }

    /** The host installed on the calling thread, or null. */
    static LoopHost current() {
        return HostSlot.CURRENT.get();
    }

    /**
     * Installs {@code host} on the calling thread (null removes it): loops opened here from now
     * on are its. Returns the host that was installed before, to put back.
     */
    static LoopHost install(LoopHost host) {
        LoopHost before = HostSlot.CURRENT.get();
        if (host == null) {
            HostSlot.CURRENT.remove();
        } else {
            HostSlot.CURRENT.set(host);
        }
        HostSlot.count(before == null ? 0 : -1, host == null ? 0 : 1);
        return before;
    }
}

