package io.weft.cli.chat;

import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The chat room on loops the caller runs itself, without {@link ChatServer}'s threads: what
 * {@code weft sim chat} serves on a simulated network, through {@code Net.createServer} on a
 * loop or a group. Each loop gets its share of the room ({@link RoomShares}) on first use, as
 * the server makes them.
 *
 * <p>Threading: {@link #members}, {@link #stats} and {@link #shutdown} on the loop they name.
 */
public final class ChatOnLoops {
    private final ChatOptions options;
    private final RoomShares shares = new RoomShares();
    /** Looked up, never iterated. */
    private final Map<EventLoop, ChatRoom> rooms = new HashMap<>();

    public ChatOnLoops(ChatOptions options) {
        this.options = options;
    }

    private ChatRoom roomOf(EventLoop loop) {
        return rooms.computeIfAbsent(loop, l -> {
            ChatRoom r = new ChatRoom(options, shares);
            shares.add(l, r);
            return r;
        });
    }

    /** The protocol factory for connections on {@code loop}: members of its share of the room. */
    public Supplier<Protocol> members(EventLoop loop) {
        ChatRoom room = roomOf(loop);
        return room::newMember;
    }

    /** The counters of {@code loop}'s share. */
    public ChatStats stats(EventLoop loop) {
        return roomOf(loop).stats();
    }

    /** Everyone in the room, sorted. */
    public List<String> names(EventLoop loop) {
        return roomOf(loop).names();
    }

    /** Tells {@code loop}'s share the server is shutting down. */
    public void shutdown(EventLoop loop) {
        roomOf(loop).shutdown();
    }
}
