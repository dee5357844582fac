package io.weft.cli.sim;

import io.weft.cli.echo.EchoOnLoop;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.ConnectionResetException;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import io.weft.testkit.sim.Faults;
import io.weft.testkit.sim.SimHost;
import io.weft.testkit.sim.Simulation;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * {@code weft sim echo}: the echo server's protocol on one simulated host, and clients on
 * hosts of their own, each sending a payload of a drawn size in drawn pieces at drawn moments,
 * then half-closing. Properties: every client gets exactly its bytes back, in order (under
 * faults that reset or refuse, what did come back is a prefix of what was sent, and the failure
 * is the typed one); afterwards the server holds no connection and no buffered byte, and no
 * socket is left open on the network.
 */
final class EchoScenario implements Scenario {
    private static final int PORT = 7007;

    /** Sends its payload in pieces, half-closes, and collects the echo until EOF. */
    private static final class Client implements Protocol {
        final byte[] payload;
        final SplittableRandom script;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        Promise<byte[]> done;
        Transport transport;
        int sent;

        Client(byte[] payload, SplittableRandom script) {
            this.payload = payload;
            this.script = script;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            done = t.loop().newPromise();
            sendSome();
        }

        private void sendSome() {
            if (transport.isClosing()) {
                return;
            }
            int n = Math.min(payload.length - sent, 1 + script.nextInt(16_384));
            transport.write(ByteBuffer.wrap(payload, sent, n));
            sent += n;
            if (sent == payload.length) {
                transport.writeEof();
            } else {
                transport.loop().callLater(Duration.ofMillis(script.nextInt(3)), this::sendSome);
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            got.writeBytes(b);
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause == null) {
                done.complete(got.toByteArray());
            } else {
                done.fail(cause);
            }
        }
    }

    @Override
    public Outcome run(long seed, Faults faults, int clients) {
        Simulation sim = Simulation.create(seed, faults);
        List<String> violations = new ArrayList<>();
        try {
            sim.run(() -> {
                SimHost host = sim.host("server");
                EventLoop server = host.loop();
                Server s = server.runUntilComplete(Net.createServer(server, EchoOnLoop.protocols(), host.address(PORT),
                        ServerOptions.defaults()));
                SplittableRandom script = new SplittableRandom(seed);
                List<byte[]> payloads = new ArrayList<>();
                List<Client> made = new ArrayList<>();
                List<Promise<Client>> connects = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    byte[] payload = new byte[1 + script.nextInt(200_000)];
                    script.nextBytes(payload);
                    payloads.add(payload);
                    EventLoop loop = sim.host("client-" + i).loop();
                    SplittableRandom mine = script.split();
                    connects.add(Net.createConnection(loop, () -> {
                        Client c = new Client(payload, mine);
                        made.add(c);
                        return c;
                    }, "server", PORT, ConnectOptions.builder().connectTimeout(Duration.ofSeconds(10)).build()));
                }
                for (int i = 0; i < clients; i++) {
                    check(i, connects.get(i), payloads.get(i), violations, faults);
                }
                sim.runFor(Duration.ofSeconds(5)); // the server's ends close after the last FIN
                int open = s.connectionCount();
                long buffered = s.bufferedBytes();
                if (open != 0 || buffered != 0) {
                    violations.add("after every client finished, the server still holds " + open + " connections and "
                            + buffered + " buffered bytes");
                }
                s.close();
            });
        } catch (Exception e) {
            violations.add("the run failed: " + e);
        }
        if (sim.network().openSockets() != 0) {
            violations.add(sim.network().openSockets() + " sockets left open on the network at the end");
        }
        return new Outcome(seed, violations, sim.trace().hex(), sim.trace().events(), sim.now());
    }

    private static void check(int i, Promise<Client> connect, byte[] payload, List<String> violations, Faults faults) {
        EventLoop loop = connect.loop();
        try {
            Client c = loop.runUntilComplete(connect);
            byte[] got;
            try {
                got = loop.runUntilComplete(c.done);
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof ConnectionResetException) || faults.reset() == 0) {
                    violations.add("client " + i + " failed with " + e.getCause()
                            + (faults.reset() == 0 ? " on a network that resets nothing" : ", not a reset"));
                }
                got = c.got.toByteArray();
                if (!Arrays.equals(got, 0, got.length, payload, 0, Math.min(got.length, payload.length))
                        || got.length > payload.length) {
                    violations.add("client " + i + ": what came back before the reset is not what it sent");
                }
                return;
            }
            if (!Arrays.equals(got, payload)) {
                violations.add("client " + i + " sent " + payload.length + " bytes and got " + got.length
                        + " back" + (got.length == payload.length ? ", not the same" : ""));
            }
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            boolean expected = cause instanceof ConnectException && (faults.refuse() > 0 || faults.hang() > 0)
                    || cause instanceof TimeoutException && faults.hang() > 0;
            if (!expected) {
                violations.add("client " + i + " could not connect: " + cause);
            }
        }
    }
}
