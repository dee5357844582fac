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
 * thread only, so no locks: every client's connection in this share lives on the same loop.
 * With several loops, each has its share of the room and they talk as {@link RoomShares} says.
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
    private final RoomShares shares;
    /** This share's members by {@link Nick#key}, in joining order. */
    private final Map<String, ChatMember> members = new LinkedHashMap<>();
    private boolean closing;
    private long connections;
    private long lines;
    private long slowDropped;
    private long idleDropped;

    ChatRoom(ChatOptions options, RoomShares shares) {
        this.options = options;
        this.shares = shares;
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

    /** Everyone in the room, on every loop, sorted. */
    List<String> names() {
        List<String> names = new ArrayList<>(shares.names.values());
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
        String name = shares.claimGuestName();
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
        String old = m.name;
        if (old.equals(wanted)) {
            reply(m, ChatText.youAre(wanted));
            return;
        }
        boolean sameKey = Nick.key(old).equals(Nick.key(wanted));
        if (sameKey) {
            shares.names.put(Nick.key(wanted), wanted); // only the case changes: still this member's
        } else if (shares.names.putIfAbsent(Nick.key(wanted), wanted) != null) {
            reply(m, ChatText.nameTaken(wanted));
            return;
        } else {
            shares.names.remove(Nick.key(old));
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
        deliverHere(except, wire);
        shares.relay(this, wire);
    }

    /** A line broadcast on another loop, arriving here as a message: to every member of this share. */
    void relayed(byte[] wire) {
        deliverHere(null, wire);
    }

    private void deliverHere(ChatMember except, byte[] wire) {
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
        shares.names.remove(Nick.key(m.name));
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
