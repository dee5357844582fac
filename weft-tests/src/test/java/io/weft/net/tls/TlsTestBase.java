package io.weft.net.tls;


import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.EveryBackend;
import io.weft.testkit.FileDescriptors;
import org.junit.jupiter.params.Parameter;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.TlsOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A fresh loop per test, and a check that every test gives back its file descriptors. */
@EveryBackend
abstract class TlsTestBase {
    EventLoop loop;
    FileDescriptors.Snapshot fdsBefore;
    /** Closed in tearDown too, so a failed assertion does not also report a leaked listener. */
    final java.util.List<Server> servers = new java.util.ArrayList<>();

    @BeforeAll
    static void warmUp() {
        TlsFixtures.warmUp();
    }

    @BeforeEach
    void setUp() {
        fdsBefore = FileDescriptors.snapshot(FileDescriptors.ALL);
        loop = EventLoop.create(loopConfig().toBuilder().poller(backend).build());
    }

    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;

    /** The loop's configuration but for the backend, which every test gets from {@link EveryBackend}. */
    LoopConfig loopConfig() {
        return LoopConfig.defaults();
    }

    @AfterEach
    void tearDown() {
        servers.forEach(Server::close);
        loop.close();
        fdsBefore.assertNoneLeaked(Duration.ZERO);
    }

    Server listen(Supplier<? extends Protocol> factory, TlsOptions tls) {
        Server s = loop.runUntilComplete(Net.createServer(loop, factory, new InetSocketAddress("127.0.0.1", 0),
                ServerOptions.builder().tls(tls).build()));
        servers.add(s);
        return s;
    }

    static int port(Server s) {
        return ((InetSocketAddress) s.addresses().get(0)).getPort();
    }

    void shutdown(Server s) {
        loop.runUntilComplete(s.shutdown(Duration.ofSeconds(10)));
    }
}
