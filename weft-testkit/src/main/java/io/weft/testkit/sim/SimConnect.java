package io.weft.testkit.sim;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.io.ReadyQueue;
import java.io.IOException;

/**
 * A connect in progress on the simulated network. The network decides its outcome at a later
 * simulated time ({@link #connected} or {@link #fail}); the loop hears it in its next turn,
 * through the sink, exactly once. Loop thread only.
 */
final class SimConnect implements ConnectIo, SimDriver.Endpoint {
    private final SimDriver driver;
    private final ConnectSink sink;
    private final Task task = new Task(this::report, null);
    private Runnable onDone = () -> { };
    private Side connected;
    private IOException failure;
    /** The sink heard, or the caller cancelled: nothing more happens. */
    private boolean over;

    SimConnect(SimDriver driver, ConnectSink sink) {
        this.driver = driver;
        this.sink = sink;
    }

    void onDone(Runnable r) {
        this.onDone = r;
    }

    boolean isOver() {
        return over;
    }

    /** The handshake finished: the loop hears it next turn. */
    void connected(Side side) {
        if (!over) {
            connected = side;
        }
    }

    void fail(IOException e) {
        if (!over) {
            driver.network().trace().event(driver.network().now(), "connect-failed");
            failure = e;
        }
    }

    @Override
    public boolean isReady() {
        return !over && (connected != null || failure != null);
    }

    @Override
    public int poll(ReadyQueue ready) {
        if (isReady()) {
            ready.add(task);
            return 1;
        }
        return 0;
    }

    private void report() {
        if (over) {
            return;
        }
        end();
        if (connected != null) {
            sink.onConnected(new SimSocket(driver, connected));
        } else {
            sink.onConnectFailed(failure);
        }
    }

    private void end() {
        over = true;
        driver.unregister(this);
        onDone.run();
    }

    @Override
    public void cancel() {
        if (over) {
            return;
        }
        end();
        if (connected != null) {
            connected.conn.close(connected);
        }
    }

    @Override
    public void close() {
        cancel();
    }
}
