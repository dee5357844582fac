package io.weft.cli.sim;

import io.weft.cli.chat.ChatOnLoops;
import io.weft.cli.chat.ChatOptions;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import io.weft.net.ConnectOptions;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import io.weft.net.ServerOptions;
import io.weft.testkit.sim.Faults;
import io.weft.testkit.sim.SimHost;
import io.weft.testkit.sim.Simulation;
import io.weft.testkit.sim.SimulationStuckException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

/**
 * {@code weft sim chat}: the chat room ({@code io.weft.cli.chat}, the code {@code weft chat}
 * runs) on a simulated two-loop group with {@code SO_REUSEPORT}, and scripted members on hosts
 * of their own: all but one send lines, the last stops reading after its welcome. Properties:
 * <ul>
 *   <li>every line reaches every other live member exactly once, and each sender's lines in the
 *       order sent;</li>
 *   <li>the member that stopped reading is evicted (everyone hears it left "not reading"), and
 *       the others hear everything within {@link #PATIENCE} of simulated time: nobody waits
 *       for it;</li>
 *   <li>after everyone quit, the server holds no connection and no buffered byte, and no socket
 *       is left open on the network.</li>
 * </ul>
 */
final class ChatScenario implements Scenario {
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int PORT = 7008;
    private static final int LINES = 60;
    /** Small enough that the silent member passes it within the run. */
    private static final int MAX_PENDING = 4096;

    @Override
    public Outcome run(long seed, Faults faults, int clients) {
        if (clients < 3) {
            throw new IllegalArgumentException("the chat scenario needs at least 3 clients (two talking, one slow), not "
                    + clients);
        }
        // Socket buffers of at most 16 KiB each way: the silent member's fill, and it passes the
        // room's limit, within the run's traffic (5 talkers send about 30 kB to it).
        Faults tight = faults.toBuilder().buffers(Math.min(faults.minBuffer(), 512), Math.min(faults.maxBuffer(), 16 << 10))
                .build();
        Simulation sim = Simulation.create(seed, tight);
        List<String> violations = new ArrayList<>();
        try {
            sim.run(() -> body(sim, clients, violations));
        } catch (Exception e) {
            violations.add("the run failed: " + e);
        }
        if (sim.network().openSockets() != 0) {
            violations.add(sim.network().openSockets() + " sockets left open on the network at the end");
        }
        return new Outcome(seed, violations, sim.trace().hex(), sim.trace().events(), sim.now());
    }

    private static void body(Simulation sim, int clients, List<String> violations) {
        SimHost host = sim.host("server");
        ChatOnLoops room = new ChatOnLoops(ChatOptions.builder().maxPending(MAX_PENDING).idleTimeout(null).build());
        LoopGroup group = host.run(() -> LoopGroup.start(2, LoopConfig.defaults()));
        GroupServer server;
        try {
            server = Net.createServer(group, room::members, host.address(PORT), ServerOptions.defaults());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the chat server did not start", e);
        }
        int talkers = clients - 1;
        SplittableRandom script = new SplittableRandom(sim.seed());
        List<ChatClient> members = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            boolean slow = i == clients - 1;
            ChatClient c = new ChatClient(i, slow, script.split(), slow ? 0 : LINES, slow ? 0 : (talkers - 1) * LINES);
            EventLoop loop = sim.host("member-" + i).loop();
            Promise<ChatClient> connected = Net.createConnection(loop, () -> c, "server", PORT, ConnectOptions.defaults());
            members.add(loop.runUntilComplete(connected));
        }
        sim.runUntil(() -> members.stream().allMatch(ChatClient::welcomed));
        ChatClient silent = members.get(clients - 1);
        long start = sim.now();
        for (ChatClient c : members) {
            if (!c.slow) {
                c.start();
            }
        }
        for (ChatClient c : members) {
            if (c.slow) {
                continue;
            }
            try {
                c.transport.loop().runUntilComplete(c.allHeard);
            } catch (CompletionException e) {
                violations.add("member " + c.id + " (" + c.name + "): " + e.getCause().getMessage());
            } catch (SimulationStuckException e) {
                violations.add("member " + c.id + " (" + c.name + ") heard " + c.heardCount() + " of "
                        + (talkers - 1) * LINES + " lines, and then nothing more could happen: lines were lost");
                return; // the rest would wait for them as well
            }
        }
        long took = sim.now() - start;
        // The eviction notice may still be on its way (the last line can be what tips the silent
        // member over): a second of simulated time is hundreds of round trips here.
        sim.runFor(Duration.ofSeconds(1));
        if (took > PATIENCE.toNanos()) {
            violations.add("the talking members took " + Duration.ofNanos(took) + " to hear each other: someone waited");
        }
        for (ChatClient c : members) {
            if (c.slow) {
                continue;
            }
            for (int sender = 0; sender < talkers; sender++) {
                if (sender == c.id) {
                    continue;
                }
                List<Integer> got = c.heard.getOrDefault(sender, List.of());
                List<Integer> want = IntStream.range(0, LINES).boxed().toList();
                if (!got.equals(want)) {
                    violations.add("member " + c.id + " heard member " + sender + "'s lines as " + summarize(got)
                            + ", not each of 0.." + (LINES - 1) + " once in order");
                }
            }
            if (!c.evicted.contains(silent.name)) {
                violations.add("member " + c.id + " never heard that " + silent.name + " left for not reading");
            }
        }
        long slowDropped = 0;
        for (EventLoop l : group.loops()) {
            slowDropped += l.submit(() -> room.stats(l).slowDropped()).join();
        }
        if (slowDropped != 1) {
            violations.add("the room dropped " + slowDropped + " members for not reading, not 1");
        }
        for (ChatClient c : members) {
            if (!c.slow) {
                c.quit();
            }
        }
        for (ChatClient c : members) {
            if (c.slow) {
                c.transport.abort();
                continue;
            }
            try {
                c.transport.loop().runUntilComplete(c.closed);
            } catch (CompletionException e) {
                violations.add("member " + c.id + " did not get a clean close after /quit: " + e.getCause());
            }
        }
        sim.runFor(Duration.ofSeconds(10)); // past the room's close grace
        int open = server.connectionCount();
        long buffered = server.bufferedBytes();
        if (open != 0 || buffered != 0) {
            violations.add("after everyone left, the server still holds " + open + " connections and " + buffered
                    + " buffered bytes");
        }
        server.close();
        group.close();
    }

    private static String summarize(List<Integer> seqs) {
        return seqs.size() <= 12 ? seqs.toString() : seqs.subList(0, 12) + "... (" + seqs.size() + " lines)";
    }
}
