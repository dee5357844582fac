package io.weft.cli.chat;

import io.weft.cli.serve.GreenAcceptor;
import io.weft.future.Promise;
import io.weft.green.Green;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.stream.LimitExceededException;
import io.weft.stream.StreamReader;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The chat's green-thread front-end: one green thread accepting, one per client reading its
 * lines with blocking-style calls and handing them to the same {@link ChatMember} and
 * {@link ChatRoom} the callback style uses.
 *
 * <p>Only reading is done by the client's own green thread. Everything written to a client
 * (broadcasts, replies) goes straight to its transport through {@link ChatMember#deliver}, which
 * never blocks: a broadcaster must never park because one listener is slow, so the room's
 * {@code maxPending} rule, not the writer's high-water mark, governs what a client may owe.
 * Loop thread (and its green threads) only.
 */
final class GreenChat {
    private static final byte[] LF = {'\n'};

    private final EventLoop loop;
    private final ChatRoom room;
    private GreenAcceptor acceptor;

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
        StreamReader reader = c.reader();
        int maxLine = room.maxLine();
        // The reader's limit counts the terminator: room for the longest line and its CRLF.
        reader.setLimit(maxLine + 2);
        Throwable lost = null;
        try {
            while (member.inRoom) { // after /quit the rest is not for anyone
                byte[] line;
                try {
                    line = await(reader.readLine());
                } catch (LimitExceededException e) {
                    // Refused once; the rest of the line, however long, is dropped as it arrives.
                    member.heard();
                    member.overlong();
                    await(reader.skipUntil(LF));
                    continue;
                }
                member.heard();
                if (line == null) {
                    break;
                }
                if (line.length > maxLine) {
                    member.overlong();
                } else {
                    member.line(line, line.length);
                }
            }
        } catch (EOFException e) {
            // the stream ended inside an overlong line: as at any end of stream
        } catch (IOException e) {
            lost = e;
        } catch (CancellationException e) {
            // the loop is closing
        }
        if (lost == null) {
            room.leave(member, null); // end of stream or /quit: flush what is owed, then close
        }
        try {
            c.close(); // parks until the connection is gone; a client not taking its last bytes is cut by the room or the shutdown
        } catch (IOException | CancellationException e) {
            // gone either way
        }
        member.connectionLost(lost);
        return null;
    }

    /** Awaits a promise, throwing its failure as the IOException it is, or unchecked. */
    private static <T> T await(Promise<T> p) throws IOException {
        try {
            return Green.await(p);
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }
}
