package io.weft.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.Style;
import io.weft.cli.testing.LineClient;
import io.weft.loop.LoopConfig;
import io.weft.testkit.FileDescriptors;
import io.weft.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat server with real clients on loopback, as {@code nc} users would see it. The server's
 * loop runs on a manual clock, so idle timeouts are tested by moving time, not by waiting. Run
 * once per {@link Style}: {@link ChatServerCallbacksTest} and {@link ChatServerGreenTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ChatServerTest {
    /** The style every test here runs its server in. */
    abstract Style style();

    private final ManualClock clock = new ManualClock();
    private final List<LineClient> clients = new ArrayList<>();
    private final Map<LineClient, String> names = new HashMap<>();
    private ChatServer server;
    private FileDescriptors.Snapshot fdsBefore;
    /** A client that never reads: join() must not wait for it to read the joins. */
    private LineClient slow;

    @BeforeEach
    void countFds() {
        fdsBefore = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
    }

    @AfterEach
    void closeEverything() {
        for (LineClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop();
        }
        fdsBefore.assertNoneLeaked(Duration.ofSeconds(5));
    }

    private void start(ChatOptions options) throws Exception {
        LoopConfig loop = LoopConfig.builder().clock(clock).threadName("weft-chat-test").build();
        server = ChatServer.start(ServeOptions.builder(0).loop(loop).style(style()).build(), options);
    }

    private void start() throws Exception {
        start(ChatOptions.builder().build());
    }

    /** Connects a client, reads its greeting, and lets everyone already in read the join. */
    private LineClient join() {
        return join(0);
    }

    private LineClient join(int receiveBuffer) {
        LineClient c = LineClient.connect(server.address(), receiveBuffer);
        clients.add(c); // closed after the test, even if it fails here
        String welcome = c.line();
        assertThat(welcome).startsWith("* welcome to weft chat; you are guest-");
        String name = welcome.substring(welcome.lastIndexOf(' ') + 1);
        assertThat(c.line()).isEqualTo(ChatText.hint());
        for (LineClient other : clients) {
            if (other != slow && other != c) {
                assertThat(other.line()).isEqualTo("* " + name + " joined");
            }
        }
        names.put(c, name);
        return c;
    }

    @Test
    void aLineGoesToEveryOtherClientAndNotBackToItsSender() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();
        LineClient c = join();

        a.send("hello, room");

        assertThat(b.line()).isEqualTo("guest-1: hello, room");
        assertThat(c.line()).isEqualTo("guest-1: hello, room");
        b.send("marker");
        assertThat(a.line()).as("a's next line is b's, not its own").isEqualTo("guest-2: marker");
        assertThat(c.line()).isEqualTo("guest-2: marker");
        assertThat(server.stats().lines()).isEqualTo(2);
    }

    @Test
    void eachSendersLinesArriveInTheOrderSent() throws Exception {
        start();
        LineClient receiver = join();
        List<LineClient> senders = List.of(join(), join(), join());
        int perSender = 300;
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (LineClient s : senders) {
            sending.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perSender; i++) {
                    s.send("n" + i);
                }
            }, r -> Thread.ofPlatform().start(r))); // all three at once, whatever the common pool's size
        }

        Map<String, Integer> next = new HashMap<>();
        for (int i = 0; i < senders.size() * perSender; i++) {
            String line = receiver.line();
            String sender = line.substring(0, line.indexOf(':'));
            int n = Integer.parseInt(line.substring(line.indexOf(": n") + 3));
            int expected = next.getOrDefault(sender, 0);
            assertThat(n).as("next line from %s", sender).isEqualTo(expected);
            next.put(sender, expected + 1);
        }
        sending.forEach(CompletableFuture::join);
        assertThat(next).hasSize(3).allSatisfy((sender, count) -> assertThat(count).isEqualTo(perSender));
    }

    @Test
    void nickRenamesValidUniqueNamesAndRefusesTheRest() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();

        a.send("/nick alice");
        assertThat(a.line()).isEqualTo("* you are now alice");
        assertThat(b.line()).isEqualTo("* guest-1 is now alice");

        b.send("/nick ALICE");
        assertThat(b.line()).isEqualTo("! the name ALICE is taken");
        b.send("/nick " + "n".repeat(33));
        assertThat(b.line()).isEqualTo("! invalid name '" + "n".repeat(33) + "': use 1 to 32 letters, digits, _ or -");
        b.send("/nick bad name");
        assertThat(b.line()).startsWith("! invalid name 'bad name'");
        b.send("/nick b@d");
        assertThat(b.line()).startsWith("! invalid name 'b@d'");
        b.send("/nick");
        assertThat(b.line()).isEqualTo("! usage: /nick NAME");

        String longest = "Bob_-" + "9".repeat(27);
        b.send("/nick " + longest);
        assertThat(b.line()).isEqualTo("* you are now " + longest);
        assertThat(a.line()).isEqualTo("* guest-2 is now " + longest);

        a.send("/nick Alice");
        assertThat(a.line()).as("changing the case of one's own name").isEqualTo("* you are now Alice");
        assertThat(b.line()).isEqualTo("* alice is now Alice");

        b.send("hi");
        assertThat(a.line()).isEqualTo(longest + ": hi");
        assertThat(server.names()).containsExactly("Alice", longest);
    }

    @Test
    void guestNamesSkipNamesPeopleHaveTaken() throws Exception {
        start();
        LineClient a = join();
        a.send("/nick guest-2");
        assertThat(a.line()).isEqualTo("* you are now guest-2");

        join();

        assertThat(server.names()).containsExactly("guest-2", "guest-3");
    }

    @Test
    void whoListsEveryoneSortedAndUnknownCommandsGetAnErrorLine() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();
        join();
        b.send("/nick bob");
        assertThat(b.line()).isEqualTo("* you are now bob");
        a.skipUntil("* guest-2 is now bob");

        a.send("/who");
        assertThat(a.line()).isEqualTo("* 3 here: bob, guest-1, guest-3");

        a.send("/frobnicate now");
        assertThat(a.line()).isEqualTo("! unknown command /frobnicate; try /nick NAME, /who, /quit");
        a.send("//frobnicate is what I said");
        assertThat(b.line()).isEqualTo("guest-1: /frobnicate is what I said");
    }

    @Test
    void quitSaysByeClosesAndTellsTheOthers() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();

        a.send("/quit");

        assertThat(a.line()).isEqualTo("* bye");
        assertThat(a.closedByServer()).isTrue();
        assertThat(b.line()).isEqualTo("* guest-1 left (quit)");
        assertThat(server.names()).containsExactly("guest-2");
    }

    @Test
    void aClientThatHangsUpIsAnnouncedAndItsLastUnterminatedLineStillCounts() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();

        a.sendRaw("last words".getBytes(StandardCharsets.UTF_8));
        a.shutdownOutput();

        assertThat(b.line()).isEqualTo("guest-1: last words");
        assertThat(b.line()).isEqualTo("* guest-1 left");
        assertThat(a.closedByServer()).isTrue();
    }

    @Test
    void anOverlongLineGetsAnErrorAndIsNotBroadcastWhileTheNextLineWorks() throws Exception {
        start(); // lines up to 8 KiB
        LineClient a = join();
        LineClient b = join();

        a.send("x".repeat(8192));
        assertThat(b.line()).isEqualTo("guest-1: " + "x".repeat(8192));
        a.sendRaw(("y".repeat(8192) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(b.line()).as("CRLF does not count against the limit").isEqualTo("guest-1: " + "y".repeat(8192));

        a.send("z".repeat(8193));
        assertThat(a.line()).isEqualTo("! line too long (over 8192 bytes); not sent");
        a.send("next");
        assertThat(b.line()).as("b's next line: the overlong one was not sent").isEqualTo("guest-1: next");
        assertThat(server.stats().lines()).isEqualTo(3);
    }

    @Test
    void anEndlessLineIsRefusedOnceAndSkippedUntilItsEnd() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();

        // 4 MiB without a line end: the server answers as soon as the line passes 8 KiB and
        // skips the rest as it comes, holding none of it.
        byte[] endless = new byte[4 << 20];
        java.util.Arrays.fill(endless, (byte) 'w');
        a.sendRaw(endless);
        a.sendRaw("\nafter\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(a.line()).isEqualTo("! line too long (over 8192 bytes); not sent");
        assertThat(b.line()).isEqualTo("guest-1: after");
        a.send("/who");
        assertThat(a.line()).as("exactly one error line for it").isEqualTo("* 2 here: guest-1, guest-2");
    }

    @Test
    void invalidUtf8AndControlCharactersAreReplacedNotFatal() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes("caf\u00e9 ".getBytes(StandardCharsets.UTF_8));
        line.write(0xFF); // never valid in UTF-8
        line.writeBytes(" \u001b[2J\r\n".getBytes(StandardCharsets.UTF_8)); // "clear the screen"

        a.sendRaw(line.toByteArray());

        assertThat(b.line()).isEqualTo("guest-1: caf\u00e9 \uFFFD \uFFFD[2J");
        a.send("still here");
        assertThat(b.line()).isEqualTo("guest-1: still here");
    }

    @Test
    void aClientThatStopsReadingIsDroppedWhileTenFastClientsGetEveryLine() throws Exception {
        long maxPending = 256 << 10;
        start(ChatOptions.builder().maxPending(maxPending).build());
        slow = join(4096); // a small receive window, so that the kernel holds little for it
        slow.send("/nick slow"); // and from here on it reads nothing
        while (!server.names().contains("slow")) {
            Thread.sleep(1); // polling: renamed before the others join, so they do not hear of it
        }
        List<LineClient> fast = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fast.add(join());
        }
        LineClient sender = join();
        String senderName = names.get(sender);

        List<List<String>> got = new ArrayList<>();
        List<AtomicInteger> seen = new ArrayList<>();
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        ExecutorService readerThreads = Executors.newVirtualThreadPerTaskExecutor();
        for (LineClient f : fast) {
            List<String> lines = new CopyOnWriteArrayList<>();
            AtomicInteger count = new AtomicInteger();
            got.add(lines);
            seen.add(count);
            readers.add(CompletableFuture.runAsync(() -> {
                String line;
                while (!(line = f.line()).equals(senderName + ": done")) {
                    lines.add(line);
                    if (line.startsWith(senderName + ": m")) {
                        count.incrementAndGet();
                    }
                }
            }, readerThreads));
        }

        String payload = "p".repeat(1000);
        int sent = 0;
        int after = -1;
        while (after < 100) {
            for (int i = 0; i < 50; i++) {
                sender.send("m" + sent++ + " " + payload);
            }
            // Pace by the fast clients, so none of them is ever far behind: only the slow
            // client may fall behind, and the server must drop it alone.
            for (AtomicInteger count : seen) {
                while (count.get() < sent) {
                    Thread.sleep(1); // polling a condition
                }
            }
            if (after >= 0) {
                after += 50;
            } else if (server.stats().slowDropped() == 1) {
                after = 0;
            }
        }
        sender.send("done");
        readers.forEach(CompletableFuture::join);
        readerThreads.close();

        for (List<String> lines : got) {
            List<String> fromSender = lines.stream().filter(l -> l.startsWith(senderName + ": ")).toList();
            assertThat(fromSender).hasSize(sent);
            for (int i = 0; i < sent; i++) {
                assertThat(fromSender.get(i)).isEqualTo(senderName + ": m" + i + " " + payload);
            }
            String dropped = lines.stream().filter(l -> l.startsWith("* slow left")).findFirst().orElseThrow();
            long waiting = Long.parseLong(dropped.replaceAll("\\D+", " ").trim());
            assertThat(waiting).as("bytes waiting when dropped").isGreaterThan(maxPending);
        }
        ChatStats stats = server.stats();
        assertThat(stats.slowDropped()).isEqualTo(1);
        assertThat(stats.online()).isEqualTo(11);
        assertThat(server.names()).doesNotContain("slow");
        assertThat(slow.closedByServer()).isTrue();
    }

    @Test
    void aClientSilentForTheIdleTimeoutGetsAGoodbyeAndIsDropped() throws Exception {
        start(ChatOptions.builder().idleTimeout(Duration.ofMinutes(10)).build());
        LineClient talker = join();
        LineClient silent = join();

        clock.advance(Duration.ofMinutes(5));
        talker.send("still here");
        assertThat(silent.line()).isEqualTo("guest-1: still here"); // reading does not count as being heard
        clock.advance(Duration.ofMinutes(5));
        ChatStats stats = afterTimersDue();

        assertThat(stats.idleDropped()).isEqualTo(1);
        assertThat(silent.line()).isEqualTo("! idle for 10m; disconnecting");
        assertThat(silent.closedByServer()).isTrue();
        assertThat(talker.line()).isEqualTo("* guest-2 left (idle for 10m)");
        assertThat(server.names()).containsExactly("guest-1");

        clock.advance(Duration.ofMinutes(4));
        assertThat(afterTimersDue().idleDropped()).as("the talker spoke 9 minutes ago").isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(afterTimersDue().idleDropped()).isEqualTo(2);
        assertThat(talker.line()).isEqualTo("! idle for 10m; disconnecting");
    }

    /**
     * The room's counters once the timers due at the clock's new time have run. One task on the
     * loop is not enough: the turn that picks it up may have looked at the clock just before it
     * moved. The turn after that one looks after, and queues due timers before other threads'
     * tasks, so the second task runs after them.
     */
    private ChatStats afterTimersDue() {
        server.stats();
        return server.stats();
    }

    @Test
    void stoppingSaysSoToEveryoneClosesTheirConnectionsAndSummarises() throws Exception {
        start();
        LineClient a = join();
        LineClient b = join();
        a.send("hi");
        assertThat(b.line()).isEqualTo("guest-1: hi");

        ChatServer.Summary summary = server.stop();

        for (LineClient c : List.of(a, b)) {
            assertThat(c.line()).isEqualTo("* the server is shutting down");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(summary.cut()).isZero();
        assertThat(summary.describe()).isEqualTo(
                "weft chat stopped: 2 connections served, 1 line relayed, 0 dropped for not reading, 0 dropped when idle");
    }
}
