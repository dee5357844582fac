package io.weft.cli.chat;

import io.weft.cli.serve.LoopServer;
import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.StartException;
import io.weft.loop.EventLoop;
import io.weft.net.ServerOptions;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A chat server on a loop of its own (or on {@link ServeOptions#loops()} loops, each with its
 * share of the room, see {@link RoomShares}), its connections served by protocols ({@link ChatMember})
 * or by green threads ({@link GreenChat}) as {@link ServeOptions#style()} says: {@link #start} returns once it listens, {@link #stop}
 * once it has told everyone it is shutting down and closed every connection gracefully. What
 * {@code weft chat} runs, and what the tests start and stop without signals.
 *
 * <p>Idle clients are dropped by the room with a goodbye line ({@link ChatOptions#idleTimeout()});
 * the transport's own idle timeout ({@link ServerOptions#idleTimeout()}) is set a little later,
 * as a backstop that needs no cooperation from the client or the room.
 *
 * <p>Threads: any thread but the server's loop thread.
 */
public final class ChatServer implements AutoCloseable {
    private final LoopServer server;
    private final RoomShares shares = new RoomShares();
    /** Each loop's share of the room; a share is touched only on its loop's thread. */
    private final Map<EventLoop, ChatRoom> rooms = new ConcurrentHashMap<>();
    private final ChatOptions chat;
    private Summary summary; // guarded by this

    /**
     * What a stopped server did.
     *
     * @param stats the room's counters at the end
     * @param cut     connections still open at the shutdown deadline, closed without flushing
     * @param perLoop connections accepted by each loop, in loop order; empty with one loop
     */
    public record Summary(ChatStats stats, int cut, List<Long> perLoop) {

        /** The per-loop line, {@code per loop: 3, 2 connections}, or empty with one loop. */
        public Optional<String> describePerLoop() {
            if (perLoop.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("per loop: " + perLoop.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " connections");
        }

        /** One line for the terminal. */
        public String describe() {
            return "weft chat stopped: " + stats.connections() + (stats.connections() == 1 ? " connection" : " connections")
                    + " served, " + stats.lines() + (stats.lines() == 1 ? " line" : " lines") + " relayed, "
                    + stats.slowDropped() + " dropped for not reading, " + stats.idleDropped() + " dropped when idle"
                    + (cut == 0 ? "" : ", " + cut + " cut at the shutdown deadline");
        }
    }

    private ChatServer(ServeOptions serve, ChatOptions chat) throws StartException {
        this.chat = chat;
        ServeOptions options = withBackstop(serve, chat);
        this.server = switch (options.style()) {
            case CALLBACKS -> LoopServer.start(options, loop -> roomOf(loop)::newMember);
            case GREEN -> LoopServer.start(options, loop -> GreenChat.on(loop, options.server(), roomOf(loop)));
        };
    }

    /** The share of the room on {@code loop}, made (and made known to the others) on first use. */
    private ChatRoom roomOf(EventLoop loop) {
        return rooms.computeIfAbsent(loop, l -> {
            ChatRoom r = new ChatRoom(chat, shares);
            shares.add(l, r);
            return r;
        });
    }

    /** The share of the loop this runs on. */
    private ChatRoom roomHere() {
        for (EventLoop l : server.loops()) {
            if (l.inLoop()) {
                return roomOf(l);
            }
        }
        throw new WrongThreadException("not on one of " + server.loops());
    }

    /** Every share's counters added up, each read on its own loop. */
    private ChatStats total() {
        long connections = 0;
        int online = 0;
        long lines = 0;
        long slow = 0;
        long idle = 0;
        for (ChatStats s : server.onEachLoop(() -> roomHere().stats())) {
            connections += s.connections();
            online += s.online();
            lines += s.lines();
            slow += s.slowDropped();
            idle += s.idleDropped();
        }
        return new ChatStats(connections, online, lines, slow, idle);
    }

    /** Starts listening as the options say; returns once listening. */
    public static ChatServer start(ServeOptions serve, ChatOptions chat) throws StartException {
        return new ChatServer(serve, chat);
    }

    private static ServeOptions withBackstop(ServeOptions serve, ChatOptions chat) {
        if (chat.idleTimeout() == null || serve.server().idleTimeout() != null) {
            return serve;
        }
        // Two graces: past the room's own drop at the timeout and its abort one grace later.
        ServerOptions server = serve.server().toBuilder()
                .idleTimeout(chat.idleTimeout().plus(ChatRoom.CLOSE_GRACE).plus(ChatRoom.CLOSE_GRACE))
                .build();
        return serve.toBuilder().server(server).build();
    }

    /** Where a client on this machine should connect. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** Every address listened on, for people: {@code 127.0.0.1:7008}. */
    public String describeAddresses() {
        return server.describeAddresses();
    }

    /**
     * The room's counters now, read on the loop. Since the loop runs due timers before other
     * threads' tasks in a turn, this also lets a test with a manual clock see the effect of
     * moving time forward.
     */
    public ChatStats stats() {
        return total();
    }

    /** Connections accepted per loop, in loop order; empty when serving on one loop. */
    public List<Long> acceptedPerLoop() {
        return server.acceptedPerLoop();
    }

    /** The names in the room now, sorted. */
    public List<String> names() {
        return server.onLoop(() -> roomHere().names());
    }

    /** Says goodbye, shuts down gracefully, ends the loop, and says what the server did. Idempotent. */
    public synchronized Summary stop() {
        if (summary == null) {
            LoopServer.Shutdown s = server.shutdown(() -> {
                roomHere().shutdown(); // runs on every loop, before the shutdown reaches it
            });
            ChatStats last = total();
            List<Long> perLoop = server.acceptedPerLoop();
            server.close();
            summary = new Summary(last, s.cut(), perLoop);
        }
        return summary;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
