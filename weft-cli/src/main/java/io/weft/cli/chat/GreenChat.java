package io.weft.cli.chat;

import io.weft.cli.serve.GreenAcceptor;
import io.weft.future.Promise;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;

/**
 * The chat's green-thread front-end: one green thread accepting, one per client reading its
 * bytes with blocking-style reads (into a {@value #WAIT}-byte buffer of its own while it waits,
 * then the rest of a burst into one buffer the loop's green threads share) and handing them to
 * the same {@link ChatMember} and {@link ChatRoom} the callback style uses. Reads allocate
 * nothing per call, and a quiet client holds no more than its small buffer.
 *
 * <p>Only reading is done by the client's own green thread. Everything written to a client
 * (broadcasts, replies) goes straight to its transport through {@link ChatMember#deliver}, which
 * never blocks: a broadcaster must never park because one listener is slow, so the room's
 * {@code maxPending} rule, not the writer's high-water mark, governs what a client may owe.
 * Loop thread (and its green threads) only.
 */
final class GreenChat {
    /** What a client waits with: its own buffer, which bytes that come meanwhile go straight into. */
    private static final int WAIT = 512;
    private static final int BURST = 64 * 1024;

    private final EventLoop loop;
    private final ChatRoom room;
    private GreenAcceptor acceptor;
    /**
     * The rest of a burst, read without parking by whichever green thread runs: shared by the
     * loop's green threads, since nothing parks between that read and handing the bytes to the
     * member, which copies what it keeps.
     */
    private final ByteBuffer burst = ByteBuffer.allocate(BURST);

    GreenChat(EventLoop loop, ChatRoom room) {
        this.loop = loop;
        this.room = room;
    }

    /** Starts the acceptor; the promise completes with the server once it listens. */
    Promise<Server> listen(SocketAddress address, ServerOptions options) {
        acceptor = GreenAcceptor.start(loop, address, options, c -> {
            loop.spawn(() -> serve(c));
        });
        return acceptor.listening();
    }

    /** Stops the acceptor; the server's shutdown takes care of the connections. */
    void stopAccepting() {
        if (acceptor != null) {
            acceptor.stop();
        }
    }

    private Void serve(GreenSocket c) {
        ChatMember member = room.newMember();
        member.connectionMade(c.writer().transport());
        ByteBuffer mine = ByteBuffer.allocate(WAIT);
        Throwable lost = null;
        try {
            // The member cuts lines exactly as in the callback style (its LineSplitter: an
            // overlong line is refused once and the rest dropped as it arrives).
            int n;
            while (member.inRoom && (n = c.read(mine.clear())) > 0) { // parks until bytes come
                member.dataReceived(mine.flip());
                while (member.inRoom && (n = c.readAvailable(burst.clear())) > 0) { // the rest, without parking
                    member.dataReceived(burst.flip());
                }
                if (n < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            lost = e;
        } catch (CancellationException e) {
            // the loop is closing
        }
        if (lost == null) {
            // End of stream or /quit: a last line without LF counts, then the member leaves;
            // what is owed is flushed by the close below.
            member.eofReceived();
        }
        try {
            c.close(); // parks until the connection is gone; a client not taking its last bytes is cut by the room or the shutdown
        } catch (IOException | CancellationException e) {
            // gone either way
        }
        member.connectionLost(lost);
        return null;
    }

}
