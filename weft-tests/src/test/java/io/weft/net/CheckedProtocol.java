package io.weft.net;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a protocol and checks every call a transport makes against the call order that
 * {@link Protocol}'s Javadoc promises:
 * <pre>
 *   connectionMade dataReceived* eofReceived? connectionLost
 * </pre>
 * with {@code pauseWriting}/{@code resumeWriting} alternating, pause first, strictly between
 * {@code connectionMade} and {@code connectionLost}; every call on the loop thread; and
 * {@code connectionMade}, {@code dataReceived}, {@code eofReceived} and {@code connectionLost}
 * never nested inside another call to the same protocol (only the flow-control calls may arrive
 * inside a {@code write} the protocol makes).
 *
 * <p>A violation is recorded, not thrown, so the transport under test is not disturbed; the
 * test's teardown asserts there were none via {@link #problems()}.
 */
final class CheckedProtocol<P extends Protocol> implements Protocol {
    private enum Phase { NEW, OPEN, EOF, LOST }

    private final P inner;
    private final EventLoop loop;
    private final List<String> trace = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    /** Completes with connectionLost's cause (null for a clean close). */
    private final Promise<Throwable> lost;
    private Phase phase = Phase.NEW;
    private boolean writingPaused;
    private int depth;
    private int lostCalls;
    private Transport transport;

    CheckedProtocol(EventLoop loop, P inner) {
        this.loop = loop;
        this.inner = inner;
        this.lost = loop.newPromise();
    }

    P inner() {
        return inner;
    }

    /** The transport connectionMade gave, or null before it. */
    Transport transport() {
        return transport;
    }

    /** Completes with connectionLost's cause, null for a clean close. */
    Promise<Throwable> lost() {
        return lost;
    }

    boolean isLost() {
        return phase == Phase.LOST;
    }

    /** The calls so far, e.g. {@code [made, data(5), pause, resume, eof, lost(null)]}. */
    synchronized List<String> trace() {
        return List.copyOf(trace);
    }

    /** The calls so far as letters: M D E L P R. */
    synchronized String word() {
        StringBuilder b = new StringBuilder();
        for (String s : trace) {
            b.append(switch (s.substring(0, 2)) {
                case "ma" -> 'M';
                case "da" -> 'D';
                case "eo" -> 'E';
                case "lo" -> 'L';
                case "pa" -> 'P';
                case "re" -> 'R';
                default -> '?';
            });
        }
        return b.toString();
    }

    /** What was wrong, empty if the calls so far were a valid word and it ended in connectionLost. */
    synchronized List<String> problems() {
        List<String> out = new ArrayList<>(violations);
        if (lostCalls != 1) {
            out.add("connectionLost called " + lostCalls + " times, expected exactly once");
        }
        if (!out.isEmpty()) {
            out.add("trace: " + trace);
        }
        return out;
    }

    @Override
    public void connectionMade(Transport t) {
        enter("made", phase == Phase.NEW, false);
        phase = Phase.OPEN;
        transport = t;
        try {
            inner.connectionMade(t);
        } finally {
            depth--;
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        enter("data(" + data.remaining() + ")", phase == Phase.OPEN, false);
        if (!data.hasRemaining()) {
            violation("dataReceived with an empty buffer");
        }
        try {
            inner.dataReceived(data);
        } finally {
            depth--;
        }
    }

    @Override
    public boolean eofReceived() {
        enter("eof", phase == Phase.OPEN, false);
        phase = Phase.EOF;
        try {
            return inner.eofReceived();
        } finally {
            depth--;
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        enter("lost(" + cause + ")", phase == Phase.OPEN || phase == Phase.EOF, false);
        phase = Phase.LOST;
        synchronized (this) {
            lostCalls++;
        }
        try {
            inner.connectionLost(cause);
        } finally {
            depth--;
            lost.complete(cause);
        }
    }

    @Override
    public void pauseWriting() {
        enter("pause", (phase == Phase.OPEN || phase == Phase.EOF) && !writingPaused, true);
        writingPaused = true;
        try {
            inner.pauseWriting();
        } finally {
            depth--;
        }
    }

    @Override
    public void resumeWriting() {
        enter("resume", (phase == Phase.OPEN || phase == Phase.EOF) && writingPaused, true);
        writingPaused = false;
        try {
            inner.resumeWriting();
        } finally {
            depth--;
        }
    }

    private void enter(String call, boolean allowedNow, boolean mayNest) {
        synchronized (this) {
            trace.add(call);
        }
        if (!loop.inLoop()) {
            violation(call + " on thread " + Thread.currentThread().getName() + ", not the loop's");
        }
        if (!allowedNow) {
            violation(call + " not allowed after " + (trace.size() > 1 ? trace.get(trace.size() - 2) : "nothing")
                    + " (phase " + phase + (writingPaused ? ", writing paused" : "") + ")");
        }
        if (!mayNest && depth > 0) {
            violation(call + " nested inside another call to the same protocol");
        }
        depth++;
    }

    private synchronized void violation(String what) {
        violations.add(what);
    }

    @Override
    public String toString() {
        return "Checked(" + inner + ")";
    }
}
