package io.weft.cli.chat;

import io.weft.loop.EventLoop;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chat room spread over several loops: each loop holds a {@link ChatRoom} share with the
 * members whose connections live there, and nothing else is shared but the names.
 *
 * <h2>What crosses loops, and how</h2>
 * <ul>
 *   <li><b>Lines.</b> A broadcast is delivered to the sender's own share at once and sent to
 *       every other share as an {@link EventLoop#execute} message carrying the encoded line.
 *       Member and connection state is only ever touched on its own loop, so there are no
 *       locks around it. Each sender's lines leave its loop in order and {@code execute}
 *       from one loop to another is FIFO, so they arrive in order everywhere. (Lines from two
 *       senders on different loops may interleave differently on different loops: there is
 *       no global order, as there is none between two senders' packets on the network.)</li>
 *   <li><b>Names.</b> Unique room-wide: claimed in a concurrent map by {@link Nick#key}, with
 *       {@code putIfAbsent}, from whichever loop the member lives on; {@code /who} lists it.
 *       A claim is one atomic step on a map of strings, not a lock held around connections.</li>
 * </ul>
 * Threads: any; the shares list is filled before the server listens.
 */
final class RoomShares {
    /** Names in the room, by {@link Nick#key}. */
    final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
    private final AtomicInteger nextGuest = new AtomicInteger(1);
    private final List<Share> shares = new CopyOnWriteArrayList<>();

    /** A loop and its part of the room. */
    record Share(EventLoop loop, ChatRoom room) {
    }

    void add(EventLoop loop, ChatRoom room) {
        shares.add(new Share(loop, room));
    }

    /** Claims a fresh guest name: {@code guest-1}, {@code guest-2}, ... skipping names people have taken. */
    String claimGuestName() {
        while (true) {
            String name = "guest-" + nextGuest.getAndIncrement();
            if (names.putIfAbsent(Nick.key(name), name) == null) {
                return name;
            }
        }
    }

    /** Sends an encoded line to every share but {@code from}'s, as a message to each one's loop. */
    void relay(ChatRoom from, byte[] wire) {
        for (Share s : shares) {
            if (s.room() != from) {
                s.loop().execute(() -> s.room().relayed(wire));
            }
        }
    }
}
