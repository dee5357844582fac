package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.internal.net.Connector;
import io.weft.internal.net.Resolver;
import io.weft.loop.LoopConfig;
import io.weft.testkit.FileDescriptors;
import io.weft.testkit.ManualClock;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Making client connections: failures typed and naming what failed, the connect timeout, and
 * RFC 8305 racing of several addresses. Hanging addresses are loopback listeners with a full
 * accept queue ({@link UnansweredListener}); the loop runs on a jump clock
 * ({@link ManualClock#realTimeWithAutoJump}), so the attempt delay and timeouts pass as soon as
 * the loop has nothing else to do.
 */
class ConnectTest extends NetTestSupport {
    final AtomicInteger made = new AtomicInteger();

    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.clock(ManualClock.realTimeWithAutoJump(Duration.ofMillis(20)));
    }

    Supplier<CheckedProtocol<Recorder>> counting() {
        Supplier<CheckedProtocol<Recorder>> f = checked(() -> new Recorder(loop));
        return () -> {
            made.incrementAndGet();
            return f.get();
        };
    }

    /**
     * Options for a connect that resolves a name: no connect timeout. The lookup runs on
     * another thread, and while the loop waits for it the jump clock would leap to the timeout.
     */
    static ConnectOptions resolving() {
        return ConnectOptions.builder().connectTimeout(null).build();
    }

    static InetSocketAddress closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
    }

    Promise<CheckedProtocol<Recorder>> race(List<? extends SocketAddress> addresses, ConnectOptions options) {
        return Connector.connect(Loop.of(loop), counting(), addresses, options);
    }

    @Test
    void aRefusedPortFailsWithConnectExceptionNamingTheAddress() throws Exception {
        InetSocketAddress nobody = closedPort();
        Throwable e = awaitFailure(Net.createConnection(loop, counting(), nobody, ConnectOptions.defaults()));
        assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1:" + nobody.getPort());
        Throwable byName = awaitFailure(Net.createConnection(loop, counting(), "127.0.0.1", nobody.getPort(),
                ConnectOptions.defaults()));
        assertThat(byName).isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1:" + nobody.getPort());
        assertThat(made).hasValue(0);
    }

    @Test
    void anUnknownHostFailsWithUnknownHostException() {
        Throwable e = awaitFailure(Net.createConnection(loop, counting(), "no-such-host.invalid", 80, resolving()));
        assertThat(e).isInstanceOf(UnknownHostException.class).hasMessageContaining("no-such-host.invalid");
        assertThat(made).hasValue(0);
    }

    @Test
    void aNameIsResolvedOffTheLoopAndConnected() {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        CheckedProtocol<Recorder> c = await(Net.createConnection(loop, counting(), "localhost", address(s).getPort(),
                resolving()));
        assertThat(c.transport()).as("the promise completes after connectionMade").isNotNull();
        assertThat(((InetSocketAddress) c.transport().remoteAddress()).getPort()).isEqualTo(address(s).getPort());
        c.transport().close();
        await(c.lost());
    }

    @Test
    void aConnectThatGetsNoAnswerTimesOut() throws Exception {
        try (UnansweredListener silent = new UnansweredListener("127.0.0.1")) {
            long start = loop.time();
            Throwable e = awaitFailure(Net.createConnection(loop, counting(), silent.address(),
                    ConnectOptions.builder().connectTimeout(Duration.ofSeconds(3)).build()));
            assertThat(e).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.address().getPort()).hasMessageContaining("timed out");
            assertThat(loop.time() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(3).toNanos());
            assertThat(silent.attemptsInFlight()).as("the attempt was closed").isZero();
            assertThat(made).hasValue(0);
        }
    }

    @Test
    void happyEyeballsStartsTheNextAddressAfterTheAttemptDelayAndClosesTheLoser() throws Exception {
        Server open = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        try (UnansweredListener silent = new UnansweredListener("127.0.0.2")) {
            Duration delay = Duration.ofMillis(250);
            long start = loop.time();
            Promise<CheckedProtocol<Recorder>> p = race(List.of(silent.address(), address(open)),
                    ConnectOptions.builder().attemptDelay(delay).build());

            await(after(delay.dividedBy(2)));
            assertThat(p.isDone()).isFalse();
            assertThat(silent.attemptsInFlight()).as("first attempt under way").isEqualTo(1);

            CheckedProtocol<Recorder> c = await(p);
            assertThat(loop.time() - start).as("the second attempt waited for the delay")
                    .isGreaterThanOrEqualTo(delay.toNanos());
            assertThat(c.transport().remoteAddress()).isEqualTo(address(open));
            assertThat(silent.attemptsInFlight()).as("the losing attempt was closed").isZero();
            assertThat(made).hasValue(1);
            c.transport().close();
            await(c.lost());
        }
    }

    @Test
    void aFailedAttemptStartsTheNextAtOnce() throws Exception {
        Server open = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        Duration delay = Duration.ofSeconds(10);
        long start = loop.time();
        CheckedProtocol<Recorder> c = await(race(List.of(closedPort(), address(open)),
                ConnectOptions.builder().attemptDelay(delay).build()));
        assertThat(loop.time() - start).as("no waiting for the attempt delay").isLessThan(delay.toNanos());
        assertThat(c.transport().remoteAddress()).isEqualTo(address(open));
        c.transport().close();
        await(c.lost());
    }

    @Test
    void whenEveryAddressFailsTheErrorNamesEach() throws Exception {
        InetSocketAddress a = closedPort();
        InetSocketAddress b = closedPort();
        Throwable e = awaitFailure(race(List.of(a, b), ConnectOptions.defaults()));
        assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("all 2 addresses");
        assertThat(e.getSuppressed()).hasSize(2);
        assertThat(e.getSuppressed()[0]).hasMessageContaining(":" + a.getPort());
        assertThat(e.getSuppressed()[1]).hasMessageContaining(":" + b.getPort());
    }

    @Test
    void theConnectTimeoutCoversEveryAttempt() throws Exception {
        try (UnansweredListener one = new UnansweredListener("127.0.0.2");
                UnansweredListener two = new UnansweredListener("127.0.0.3")) {
            Throwable e = awaitFailure(race(List.of(one.address(), two.address()), ConnectOptions.builder()
                    .attemptDelay(Duration.ofMillis(100)).connectTimeout(Duration.ofSeconds(2)).build()));
            assertThat(e).isInstanceOf(TimeoutException.class);
            assertThat(one.attemptsInFlight() + two.attemptsInFlight()).isZero();
        }
    }

    @Test
    void cancellingTheConnectClosesEveryAttempt() throws Exception {
        try (UnansweredListener one = new UnansweredListener("127.0.0.2");
                UnansweredListener two = new UnansweredListener("127.0.0.3")) {
            FileDescriptors.Snapshot fds = ioFds();
            Promise<CheckedProtocol<Recorder>> p = race(List.of(one.address(), two.address()),
                    ConnectOptions.builder().attemptDelay(Duration.ofMillis(100)).build());
            await(after(Duration.ofMillis(150)));
            assertThat(one.attemptsInFlight() + two.attemptsInFlight()).as("both attempts under way").isEqualTo(2);

            assertThat(p.cancel()).isTrue();
            spin(2);
            assertThat(one.attemptsInFlight() + two.attemptsInFlight()).isZero();
            fds.assertNoneLeaked(Duration.ZERO);
            assertThat(awaitFailure(p)).isInstanceOf(CancellationException.class);
            await(after(Duration.ofSeconds(5))); // nothing connects later either
            assertThat(made).hasValue(0);
        }
    }

    @Test
    void aFactoryThatThrowsFailsTheConnectAndLeavesNothingBehind() {
        Server open = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        int timers = loop.stats().pendingTimers();
        IllegalStateException boom = new IllegalStateException("no protocol for you");
        Throwable e = awaitFailure(Net.createConnection(loop, () -> {
            throw boom;
        }, address(open), ConnectOptions.builder().connectTimeout(Duration.ofHours(1)).build()));
        assertThat(e).isSameAs(boom);
        assertThat(loop.stats().pendingTimers()).as("the connect timeout was cancelled").isEqualTo(timers);
    }

    @Test
    void interleaveAlternatesFamiliesStartingWithTheFirstAnswer() throws Exception {
        InetAddress v6a = InetAddress.getByName("::1");
        InetAddress v6b = InetAddress.getByName("fe80::1");
        InetAddress v6c = InetAddress.getByName("fe80::2");
        InetAddress v4a = InetAddress.getByName("127.0.0.1");
        InetAddress v4b = InetAddress.getByName("127.0.0.2");
        assertThat(Resolver.interleave(List.of(v6a, v6b, v4a, v6c, v4b), 80)).extracting(InetSocketAddress::getAddress)
                .containsExactly(v6a, v4a, v6b, v4b, v6c);
        assertThat(Resolver.interleave(List.of(v4a, v4b, v6a), 443)).extracting(InetSocketAddress::getAddress)
                .containsExactly(v4a, v6a, v4b);
        assertThat(Resolver.interleave(List.of(v4b, v4a), 1)).extracting(InetSocketAddress::getAddress)
                .containsExactly(v4b, v4a);
        assertThat(Resolver.interleave(List.of(v6a), 7)).singleElement()
                .isEqualTo(new InetSocketAddress(v6a, 7));
        assertThat(Resolver.interleave(List.of(), 7)).isEmpty();
    }
}
