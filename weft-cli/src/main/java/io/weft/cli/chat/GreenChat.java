package io.weft.cli.chat;

import io.weft.green.GreenServer;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;

/**
 * The chat's green-thread front-end: one green thread per client (started by {@link GreenServer}
 * on the loop that accepted it, one instance per loop and room share) reading its
 * bytes with blocking-style reads into one buffer the loop's green threads share, and handing
 * them to the same {@link ChatMember} and {@link ChatRoom} the callback style uses. Reads
 * allocate nothing per call, and a quiet client holds no buffer for reading at all.
 *
 * <p>Only reading is done by the client's own green thread. Everything written to a client
 * (broadcasts, replies) goes straight to its transport through {@link ChatMember#deliver}, which
 * never blocks: a broadcaster must never park because one listener is slow, so the room's
 * {@code maxPending} rule, not the writer's high-water mark, governs what a client may owe.
 * Loop thread (and its green threads) only.
 */
final class GreenChat {
    private static final int BURST = 64 * 1024;

    private final ChatRoom room;
    /**
     * Every read of the loop's green threads goes in here, the parked ones too: a parked read
     * touches its buffer only once its thread runs again, and nothing parks between a read and
     * handing the bytes to the member, which copies what it keeps.
     */
    private final ByteBuffer burst = ByteBuffer.allocate(BURST);

    private GreenChat(ChatRoom room) {
        this.room = room;
    }

    /** The protocols of the green chat on {@code loop}, whose share of the room is {@code room}. */
    static java.util.function.Supplier<Protocol> on(EventLoop loop, ServerOptions options, ChatRoom room) {
        return GreenServer.handling(loop, options, new GreenChat(room)::serve);
    }

    private void serve(GreenSocket c) {
        ChatMember member = room.newMember();
        member.connectionMade(c.writer().transport());
        Throwable lost = null;
        try {
            // The member cuts lines exactly as in the callback style (its LineSplitter: an
            // overlong line is refused once and the rest dropped as it arrives).
            int n;
            while (member.inRoom && (n = c.read(burst.clear())) > 0) { // parks until bytes come
                member.dataReceived(burst.flip());
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
    }

}
