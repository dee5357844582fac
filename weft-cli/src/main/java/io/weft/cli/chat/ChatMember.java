package io.weft.cli.chat;

import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One client of the chat: the protocol of its connection (in callback style; with green threads,
 * {@link GreenChat} reads the lines and hands them to the same methods). It cuts what the client sends into
 * lines, reads commands, and hands everything else to the {@link ChatRoom}; the room writes to
 * it through {@link #deliver}. Loop thread only.
 *
 * <p>Idle detection: the time the client was last heard from is stamped on every read; one
 * timer per client fires at the earliest moment it could be idle, and either finds it idle or
 * sleeps until the new earliest moment. Traffic never touches the timer heap.
 */
final class ChatMember implements Protocol, LineSplitter.Sink {
    private final ChatRoom room;
    private final LineSplitter lines;
    private final long maxPending;
    private Transport transport;
    private EventLoop loop;
    private long lastHeard;
    private TimerHandle idleTimer;
    private TimerHandle abortTimer;

    /** Set by the room. */
    String name;
    /** Whether the room counts this client in: from joining until leaving, for any reason. */
    boolean inRoom;

    ChatMember(ChatRoom room, int maxLine, long maxPending) {
        this.room = room;
        this.lines = new LineSplitter(maxLine);
        this.maxPending = maxPending;
    }

    // ---- the connection's events ----

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        this.loop = transport.loop();
        this.lastHeard = loop.time();
        Duration idle = room.idleTimeout();
        if (idle != null) {
            // From the same reading of the clock as lastHeard: the timer must not start later
            // than the silence it measures.
            idleTimer = loop.callAt(lastHeard + idle.toNanos(), this::checkIdle);
        }
        room.join(this);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        heard();
        lines.feed(data, this, () -> !inRoom); // after /quit the rest is not for anyone
    }

    @Override
    public boolean eofReceived() {
        if (inRoom) {
            lines.finish(this);
        }
        room.leave(this, null);
        return false; // flush what is owed to the client, then close
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        if (abortTimer != null) {
            abortTimer.cancel();
        }
        room.leave(this, ChatRoom.why(cause));
    }

    /** The client was just heard from: the idle clock starts again. */
    void heard() {
        lastHeard = loop.time();
    }

    // ---- lines ----

    @Override
    public void line(byte[] bytes, int length) {
        // Malformed UTF-8 becomes U+FFFD here: String's decoder replaces rather than throws.
        String text = clean(new String(bytes, 0, length, StandardCharsets.UTF_8));
        if (text.isBlank()) {
            return;
        }
        if (text.startsWith("//")) {
            room.say(this, text.substring(1));
        } else if (text.startsWith("/")) {
            command(text.substring(1));
        } else {
            room.say(this, text);
        }
    }

    @Override
    public void overlong() {
        room.reply(this, ChatText.tooLong(room.maxLine()));
    }

    private void command(String text) {
        String[] parts = text.strip().split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].strip() : "";
        switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "nick" -> {
                if (arg.isEmpty()) {
                    room.reply(this, ChatText.nickUsage());
                } else {
                    room.rename(this, arg);
                }
            }
            case "who" -> room.who(this);
            case "quit" -> room.quit(this);
            case "help" -> room.reply(this, ChatText.hint());
            default -> room.reply(this, ChatText.unknownCommand(parts[0]));
        }
    }

    /**
     * Replaces control characters (but tab) with U+FFFD: passed on raw, an escape sequence or a
     * bare CR would let one client redraw other people's terminals.
     */
    static String clean(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    // ---- what the room does to this client ----

    /**
     * Writes one line to the client, never blocking. Returns whether the client's unsent output
     * is now over the limit, which the room answers by dropping it. Nothing is written to a
     * connection already closing.
     */
    boolean deliver(byte[] line) {
        if (transport.isClosing()) {
            return false;
        }
        transport.write(ByteBuffer.wrap(line));
        return transport.writeBufferSize() > maxPending;
    }

    /** Bytes written to the client that it has not taken yet. */
    long pending() {
        return transport.writeBufferSize();
    }

    /** Closes after flushing; if the client will not take the last bytes within {@code grace}, cuts it. */
    void closeWithin(Duration grace) {
        transport.close();
        if (pending() > 0) { // else the connection is gone already
            abortTimer = loop.callLater(grace, transport::abort);
        }
    }

    /** Closes now, dropping unsent output. */
    void abort() {
        transport.abort();
    }

    private void checkIdle() {
        idleTimer = null;
        if (!inRoom) {
            return;
        }
        Duration idle = room.idleTimeout();
        long due = lastHeard + idle.toNanos();
        if (loop.time() >= due) {
            room.dropIdle(this);
        } else {
            idleTimer = loop.callAt(due, this::checkIdle);
        }
    }

    @Override
    public String toString() {
        return "ChatMember[" + name + ", " + transport + "]";
    }
}
