package io.weft.bench;

import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Native;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code Linker.Option.critical(false)} saves on the hot system calls of the epoll backend:
 * one operation is a 64-byte {@code send} on one end of a loopback TCP connection and the
 * {@code recv} of it on the other, both non-blocking, on one thread; errno captured into a
 * {@link CallState} either way. {@code plain} links the two calls as {@code internal.sys.Io} does
 * by default, {@code critical} adds {@code critical(false)} (no thread-state transition, so no
 * safepoint poll on the way back). The system calls themselves dominate; the difference is the
 * downcall's own overhead. {@code plainEagain}/{@code criticalEagain} isolate it: one
 * {@code recv} on an empty socket, the cheapest real call the backend makes (EAGAIN at once).
 * Loopback delivery makes the round trips noisy on a shared machine; read them as a ratio.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class SysCallBenchmark {
    private static final FunctionDescriptor SEND_RECV = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static final MethodHandle SEND = Native.withErrno("send", SEND_RECV, false);
    private static final MethodHandle RECV = Native.withErrno("recv", SEND_RECV, false);
    private static final MethodHandle SEND_CRITICAL = Native.withErrno("send", SEND_RECV, true);
    private static final MethodHandle RECV_CRITICAL = Native.withErrno("recv", SEND_RECV, true);
    private static final long SIZE = 64;

    private CallState cs;
    private Arena arena;
    private MemorySegment buf;
    private MemorySegment capture;
    private int listener = -1;
    private int a = -1;
    private int b = -1;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        cs = new CallState();
        capture = cs.captureSegment();
        arena = Arena.ofConfined();
        buf = arena.allocate(SIZE);
        listener = check(Sockets.socket(cs, SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0));
        check(Sockets.bind(cs, listener, SockAddr.encode(new InetSocketAddress("127.0.0.1", 0), cs.sockaddr())));
        check(Sockets.listen(cs, listener, 1));
        check(Sockets.getsockname(cs, listener));
        SocketAddress at = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        a = check(Sockets.socket(cs, SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0));
        Sockets.connect(cs, a, SockAddr.encode(at, cs.sockaddr()));
        for (int i = 0; i < 1000 && b < 0; i++) {
            b = Sockets.accept(cs, listener);
            if (b == -Errno.EAGAIN) {
                Thread.sleep(1);
            }
        }
        check(b);
        check(Sockets.setInt(cs, a, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, 1));
    }

    private static int check(int r) {
        Peers.check(r >= 0, "system call failed: " + Errno.name(-r));
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Fd.close(cs, a);
        Fd.close(cs, b);
        Fd.close(cs, listener);
        arena.close();
        cs.close();
    }

    @Benchmark
    public long plain() throws Throwable {
        long sent = (long) SEND.invokeExact(capture, a, buf, SIZE, SocketConstants.MSG_NOSIGNAL);
        long got = 0;
        while (got < sent) {
            long n = (long) RECV.invokeExact(capture, b, buf, SIZE, 0);
            got += Math.max(n, 0);
        }
        return got;
    }

    @Benchmark
    public long critical() throws Throwable {
        long sent = (long) SEND_CRITICAL.invokeExact(capture, a, buf, SIZE, SocketConstants.MSG_NOSIGNAL);
        long got = 0;
        while (got < sent) {
            long n = (long) RECV_CRITICAL.invokeExact(capture, b, buf, SIZE, 0);
            got += Math.max(n, 0);
        }
        return got;
    }

    @Benchmark
    public long plainEagain() throws Throwable {
        return (long) RECV.invokeExact(capture, a, buf, SIZE, 0);
    }

    @Benchmark
    public long criticalEagain() throws Throwable {
        return (long) RECV_CRITICAL.invokeExact(capture, a, buf, SIZE, 0);
    }
}
