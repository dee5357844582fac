package io.weft.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.serve.ServeOptions;
import io.weft.cli.testing.LineClient;
import io.weft.testkit.FileDescriptors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.weft.cli.serve.Style;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * The chat on two loops, in both styles: members live on different loops, lines cross between them as messages,
 * and each sender's lines arrive in the order sent at every client, on its loop or the other.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatServerLoopsTest {

    @ParameterizedTest
    @EnumSource(Style.class)
    void clientsOnBothLoopsSeeEachOthersLinesInPerSenderOrder(Style style) throws Exception {
        FileDescriptors.Snapshot fds = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        ChatServer server = ChatServer.start(ServeOptions.builder(0).loops(2).style(style).build(), ChatOptions.builder().build());
        List<LineClient> clients = new ArrayList<>();
        try {
            int count = 16; // the kernel's hash puts all sixteen on one loop once in 2^15 runs
            for (int i = 0; i < count; i++) {
                LineClient c = LineClient.connect(server.address());
                clients.add(c);
                c.skipUntil(ChatText.hint());
            }
            while (server.stats().online() < count) {
                Thread.sleep(5); // polling a condition: every join has reached its loop
            }
            assertThat(server.acceptedPerLoop()).as("members on both loops").hasSize(2)
                    .allSatisfy(n -> assertThat(n).isPositive());

            List<LineClient> senders = clients.subList(0, 4);
            int perSender = 200;
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (LineClient s : senders) {
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perSender; i++) {
                        s.send("n" + i);
                    }
                }, r -> Thread.ofPlatform().start(r)));
            }
            for (LineClient c : clients) {
                int expectedLines = (senders.contains(c) ? senders.size() - 1 : senders.size()) * perSender;
                Map<String, Integer> next = new HashMap<>();
                int got = 0;
                while (got < expectedLines) {
                    String line = c.line();
                    if (line.startsWith("* ")) {
                        continue; // a join announced after this client's own
                    }
                    String sender = line.substring(0, line.indexOf(':'));
                    int n = Integer.parseInt(line.substring(line.indexOf(": n") + 3));
                    assertThat(n).as("next line from %s", sender).isEqualTo(next.getOrDefault(sender, 0));
                    next.put(sender, n + 1);
                    got++;
                }
                assertThat(next.values()).allSatisfy(v -> assertThat(v).isEqualTo(perSender));
            }
            sending.forEach(CompletableFuture::join);
            assertThat(server.stats().lines()).isEqualTo((long) senders.size() * perSender);
        } finally {
            clients.forEach(LineClient::close);
            ChatServer.Summary summary = server.stop();
            assertThat(summary.perLoop()).hasSize(2);
            assertThat(summary.describePerLoop()).isPresent();
        }
        fds.assertNoneLeaked(Duration.ofSeconds(5));
    }
}
