package io.weft.testkit.sim;

import io.weft.internal.io.AcceptedSocket;

/**
 * A connection a {@link SimListener} accepted, on its way to a loop's {@code adopt} (perhaps
 * another loop's, in a group). Whoever holds it owns it: adopting takes the {@link Side},
 * closing it unserved closes that end as the kernel would. Simulation's thread.
 */
final class SimAccepted implements AcceptedSocket {
    private Side side;

    SimAccepted(Side side) {
        this.side = side;
    }

    /** The end, for the adopting socket; this holds nothing after. */
    Side take() {
        Side s = side;
        if (s == null) {
            throw new IllegalStateException("this accepted connection was already adopted or closed");
        }
        side = null;
        return s;
    }

    @Override
    public boolean isUnix() {
        return false;
    }

    @Override
    public void close() {
        if (side != null) {
            side.conn.close(side);
            side = null;
        }
    }

    @Override
    public String toString() {
        return "accepted " + side;
    }
}
