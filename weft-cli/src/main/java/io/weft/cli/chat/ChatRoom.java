package io.weft.cli.chat;

import io.weft.cli.serve.Durations;
import io.weft.net.ConnectionResetException;
import io.weft.net.ConnectionTimeoutException;
import io.weft.net.OutboundLimitException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat's state: who is in the room, under which name, and what each line becomes. Loop
 * thread only, so no locks: every client's connection lives on the same loop.
 *
 * <h2>Slow clients</h2>
 * Writing to a client never blocks; what its socket does not take waits in its transport's
 * buffer. A client whose buffer passes {@link ChatOptions#maxPending()} has stopped reading: it
 * is cut at once ({@code abort}, its buffer dropped) and the others are told. Nobody else ever
 * waits for it, so a stalled reader costs at most {@code maxPending} bytes of memory and no time.
 * (A server-wide cap, {@link io.weft.net.ServerOptions#maxBufferedBytes()}, can bound the total
 * as well; the transport drops the largest buffers first, and the room is told through
 * {@code connectionLost}.)
 */
final class ChatRoom {
    /** How long a client being closed politely (idle) gets to take its last line. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final ChatOptions options;
    /** Members by {@link Nick#key}, in joining order. */
    private final Map<String, ChatMember> members = new LinkedHashMap<>();
    private int nextGuest = 1;
    private boolean closing;
    private long connections;
    private long lines;
    private long slowDropped;
    private long idleDropped;

    ChatRoom(ChatOptions options) {
        this.options = options;
    }

    /** The protocol for a new connection. */
    ChatMember newMember() {
        return new ChatMember(this, options.maxLine(), options.maxPending());
    }

    Duration idleTimeout() {
        return options.idleTimeout();
    }

    int maxLine() {
        return options.maxLine();
    }

    ChatStats stats() {
        return new ChatStats(connections, members.size(), lines, slowDropped, idleDropped);
    }

    List<String> names() {
        List<String> names = new ArrayList<>();
        for (ChatMember m : members.values()) {
            names.add(m.name);
        }
        names.sort(String.CASE_INSENSITIVE_ORDER);
        return names;
    }

    // ---- what clients do ----

    void join(ChatMember m) {
        connections++;
        if (closing) {
            m.abort();
            return;
        }
        String name;
        do {
            name = "guest-" + nextGuest++;
        } while (members.containsKey(Nick.key(name)));
        m.name = name;
        m.inRoom = true;
        members.put(Nick.key(name), m);
        reply(m, ChatText.welcome(name));
        reply(m, ChatText.hint());
        broadcast(m, ChatText.joined(name));
    }

    void say(ChatMember from, String text) {
        lines++;
        broadcast(from, ChatText.said(from.name, text));
    }

    void rename(ChatMember m, String wanted) {
        if (!Nick.isValid(wanted)) {
            reply(m, ChatText.badName(wanted));
            return;
        }
        ChatMember holder = members.get(Nick.key(wanted));
        if (holder != null && holder != m) {
            reply(m, ChatText.nameTaken(wanted));
            return;
        }
        String old = m.name;
        if (old.equals(wanted)) {
            reply(m, ChatText.youAre(wanted));
            return;
        }
        members.remove(Nick.key(old));
        m.name = wanted;
        members.put(Nick.key(wanted), m);
        reply(m, ChatText.youAre(wanted));
        broadcast(m, ChatText.renamed(old, wanted));
    }

    void who(ChatMember m) {
        reply(m, ChatText.who(names()));
    }

    void quit(ChatMember m) {
        reply(m, ChatText.bye());
        leave(m, "quit");
        m.closeWithin(CLOSE_GRACE);
    }

    /** {@code m} is gone or going: announce it once, whatever the reason and however often called. */
    void leave(ChatMember m, String why) {
        if (remove(m) && !closing) {
            broadcast(null, ChatText.left(m.name, why));
        }
    }

    void dropIdle(ChatMember m) {
        if (!remove(m)) {
            return;
        }
        idleDropped++;
        m.deliver(ChatText.wire(ChatText.idle(options.idleTimeout())));
        m.closeWithin(CLOSE_GRACE);
        broadcast(null, ChatText.left(m.name, "idle for " + Durations.format(options.idleTimeout())));
    }

    /** Says goodbye to everyone before the server closes their connections. */
    void shutdown() {
        closing = true;
        byte[] line = ChatText.wire(ChatText.shuttingDown());
        for (ChatMember m : members.values()) {
            m.deliver(line); // past the limit or not, the connection closes next
        }
    }

    // ---- writing ----

    /** One line to one client; a client that is not reading its replies is dropped like any other. */
    void reply(ChatMember m, String line) {
        if (m.deliver(ChatText.wire(line))) {
            dropSlow(m);
        }
    }

    /**
     * One line to everyone in the room but {@code except}, encoded once. Clients found over the
     * pending limit are dropped after the loop, since dropping one announces it to the rest.
     */
    private void broadcast(ChatMember except, String line) {
        byte[] wire = ChatText.wire(line);
        List<ChatMember> slow = null;
        for (ChatMember m : members.values()) {
            if (m != except && m.deliver(wire)) {
                if (slow == null) {
                    slow = new ArrayList<>();
                }
                slow.add(m);
            }
        }
        if (slow != null) {
            for (ChatMember m : slow) {
                dropSlow(m);
            }
        }
    }

    private void dropSlow(ChatMember m) {
        if (!remove(m)) {
            return;
        }
        slowDropped++;
        long pending = m.pending();
        m.abort();
        broadcast(null, ChatText.left(m.name, "not reading: " + pending + " bytes waiting"));
    }

    private boolean remove(ChatMember m) {
        if (!m.inRoom) {
            return false;
        }
        m.inRoom = false;
        members.remove(Nick.key(m.name));
        return true;
    }

    /** Why a connection was lost, in a few words for the others; null for a plain close. */
    static String why(Throwable cause) {
        return switch (cause) {
            case null -> null;
            case ConnectionTimeoutException t -> "timed out: " + t.getMessage();
            case OutboundLimitException o -> "dropped: the server's output buffers are full";
            case ConnectionResetException r -> "connection reset";
            default -> cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        };
    }
}
