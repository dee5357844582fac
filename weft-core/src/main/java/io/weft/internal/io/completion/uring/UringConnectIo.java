package io.weft.internal.io.completion.uring;

import io.weft.internal.io.NativeSockets;
import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.UringLayout;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * A {@code CONNECT} on the ring. The peer's address is encoded into a driver-owned native slot
 * that the kernel reads until the CQE; only then does it go back to the driver. {@link #cancel()}
 * asks the kernel to cancel (ASYNC_CANCEL) and the socket is closed when the operation's CQE
 * comes back, cancelled or not. The outcome reaches the sink from this connect's task, in the run
 * phase. No linked timeout: the connect's deadline is the connector's own timer, which calls
 * {@link #cancel()}. Loop thread only.
 */
final class UringConnectIo implements ConnectIo, Completion {
    private final UringDriver driver;
    private final int fd;
    private final boolean unix;
    private final SocketAddress remote;
    private final ConnectSink sink;
    private final int slot;
    private final long tag;
    private MemorySegment address;
    private boolean inKernel;
    private boolean done;
    private boolean released;
    private int result;
    private final Task task = new Task(this::deliver, null);

    private UringConnectIo(UringDriver driver, int fd, boolean unix, SocketAddress remote, ConnectSink sink) {
        this.driver = driver;
        this.fd = fd;
        this.unix = unix;
        this.remote = remote;
        this.sink = sink;
        this.slot = driver.register(this);
        this.tag = driver.userData(slot, UringDriver.OP_CONNECT);
    }

    static UringConnectIo start(UringDriver driver, SocketAddress remote, SocketAddress local, boolean noDelay,
            ConnectSink sink) throws IOException {
        CallState cs = driver.cs;
        boolean unix = remote instanceof UnixDomainSocketAddress;
        int family = NativeSockets.family(remote);
        int fd = NativeSockets.open(cs, family, SocketConstants.SOCK_STREAM);
        UringConnectIo c = new UringConnectIo(driver, fd, unix, remote, sink);
        try {
            if (!unix) {
                NativeSockets.option(cs, fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, noDelay ? 1 : 0,
                        "TCP_NODELAY");
                if (local != null) {
                    int r = Sockets.bind(cs, fd, SockAddr.encode(local, cs.sockaddr()));
                    if (r < 0) {
                        throw SysErrors.exception("bind to " + local, -r);
                    }
                }
            }
            c.address = driver.addresses.take();
            int length = SockAddr.encode(remote, c.address);
            long at = driver.sqe();
            driver.ring.prep(at, UringLayout.OP_CONNECT, fd, c.address.address(), 0, length, c.tag);
            c.inKernel = true;
        } catch (IOException e) {
            c.done = true;
            c.release();
            throw e;
        } catch (RuntimeException e) {
            c.done = true;
            c.release();
            throw e;
        }
        return c;
    }

    @Override
    public void complete(int op, int res, int flags) {
        inKernel = false;
        driver.addresses.give(address);
        address = null;
        if (done) {
            release(); // cancelled: nobody wants it
            return;
        }
        result = res;
        driver.queue(task);
    }

    private void deliver() {
        if (done) {
            release();
            return;
        }
        done = true;
        if (result == 0) {
            released = true;
            driver.release(slot);
            sink.onConnected(new UringSocketIo(driver, fd, unix));
        } else {
            release();
            sink.onConnectFailed(SysErrors.exception("connect to " + remote,
                    result == -UringLayout.ECANCELED ? io.weft.internal.sys.Errno.ETIMEDOUT : -result));
        }
    }

    private void release() {
        if (!released && !inKernel) {
            released = true;
            Fd.close(driver.cs, fd);
            driver.release(slot);
            if (address != null) {
                driver.addresses.give(address);
                address = null;
            }
        }
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        done = true;
        if (inKernel) {
            driver.cancel(tag);
        } else {
            release();
        }
    }

    @Override
    public void ringGone() {
        if (!released) {
            released = true;
            Fd.close(driver.cs, fd);
        }
    }

    @Override
    public String toString() {
        return "io_uring connect to " + remote;
    }
}
