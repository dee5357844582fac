package io.weft.cli.sim;

import io.weft.future.Promise;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A scripted chat client for {@code weft sim chat}: learns its name from the welcome, then (when
 * told to {@link #start}) sends its lines {@code L <id> <seq> <padding>} at drawn moments, and
 * records every line it hears by sender, in the order heard. A slow client stops reading right
 * after its welcome and never reads again. Loop thread only.
 */
final class ChatClient implements Protocol {
    private static final String WELCOME = "* welcome to weft chat; you are ";

    final int id;
    final boolean slow;
    private final SplittableRandom script;
    private final int lines;
    private final int expected;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** Sequence numbers heard from each sender id, in arrival order. */
    final TreeMap<Integer, List<Integer>> heard = new TreeMap<>();
    /** Names the room said left for not reading. */
    final Set<String> evicted = new HashSet<>();
    Transport transport;
    String name;
    Promise<Void> allHeard;
    Promise<Void> closed;
    private int heardCount;

    ChatClient(int id, boolean slow, SplittableRandom script, int lines, int expected) {
        this.id = id;
        this.slow = slow;
        this.script = script;
        this.lines = lines;
        this.expected = expected;
    }

    int heardCount() {
        return heardCount;
    }

    boolean welcomed() {
        return name != null;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        allHeard = t.loop().newPromise();
        closed = t.loop().newPromise();
        if (expected == 0) {
            allHeard.complete(null);
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b == '\n') {
                String line = partial.toString(StandardCharsets.UTF_8);
                partial.reset();
                onLine(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                if (slow && welcomed()) {
                    return; // reads no further, ever
                }
            } else {
                partial.write(b);
            }
        }
    }

    private void onLine(String line) {
        if (line.startsWith(WELCOME)) {
            name = line.substring(WELCOME.length()).strip();
            if (slow) {
                transport.pauseReading();
            }
            return;
        }
        if (line.startsWith("* ") && line.contains(" left (not reading")) {
            evicted.add(line.substring(2, line.indexOf(" left (")));
            return;
        }
        int at = line.indexOf(": L ");
        if (at < 0) {
            return;
        }
        String[] parts = line.substring(at + 4).split(" ", 3);
        heard.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        if (++heardCount == expected) {
            allHeard.complete(null);
        }
    }

    /** Schedules this client's lines, each a drawn 0 to 20 ms after the one before. */
    void start() {
        long at = 0;
        for (int k = 0; k < lines; k++) {
            at += script.nextInt(21);
            String text = "L " + id + " " + k + " " + "x".repeat(script.nextInt(180)) + "\n";
            transport.loop().callLater(Duration.ofMillis(at), () -> {
                if (!transport.isClosing()) {
                    transport.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                }
            });
        }
    }

    void quit() {
        if (!transport.isClosing()) {
            transport.write(ByteBuffer.wrap("/quit\n".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (!allHeard.isDone()) {
            allHeard.fail(new IllegalStateException("client " + id + " lost its connection after hearing "
                    + heardCount + " of " + expected + " lines" + (cause == null ? "" : ": " + cause)));
        }
        if (cause == null) {
            closed.complete(null);
        } else {
            closed.fail(cause);
        }
    }
}
