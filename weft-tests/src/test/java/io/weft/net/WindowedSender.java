package io.weft.net;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A UDP client for round-trip tests: sends numbered datagrams to an echo in windows (a window
 * is sent, and the next one only once all of it came back), checks every echo, and resends
 * what a window lost after a pause. UDP may drop; what it may not do is split, merge or
 * corrupt a datagram, and that is what the checks look for.
 *
 * <p>Datagram {@code i} of size {@code s} carries {@code i} in its first four bytes (when it
 * has four) and a pattern of {@code i} and the offset after; the only datagrams shorter than
 * four bytes are 0 to 3, one of each size, so the size alone names them.
 */
final class WindowedSender implements DatagramProtocol {
    private static final Duration RESEND_AFTER = Duration.ofMillis(500);

    final Promise<Void> done;
    final List<String> problems = new ArrayList<>();
    int received;
    int resent;
    int unexpectedDuplicates;
    DatagramTransport t;

    private final EventLoop loop;
    private final SocketAddress peer;
    private final int[] sizes;
    private final int windowBytes;
    private final int windowCount;
    private final int maxResendRounds;
    private final boolean[] got;
    private final Set<Integer> outstanding = new LinkedHashSet<>();
    private final Set<Integer> everResent = new HashSet<>();
    private int next;
    private int rounds;
    private TimerHandle resendTimer;

    /**
     * @param windowBytes     bytes in flight at most (a lone datagram may exceed it)
     * @param windowCount     datagrams in flight at most
     * @param maxResendRounds resends allowed per window before giving up; 0: any loss fails
     */
    WindowedSender(EventLoop loop, SocketAddress peer, int[] sizes, int windowBytes, int windowCount,
            int maxResendRounds) {
        this.loop = loop;
        this.peer = peer;
        this.sizes = sizes;
        this.windowBytes = windowBytes;
        this.windowCount = windowCount;
        this.maxResendRounds = maxResendRounds;
        this.got = new boolean[sizes.length];
        this.done = loop.newPromise();
    }

    /** Sizes for {@code n} datagrams: 0 to 3 bytes, the IPv4 maximum (several times), the rest mixed. */
    static int[] variedSizes(int n) {
        Random r = new Random(20240607);
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            if (i < 4) {
                s[i] = i; // 0, 1, 2, 3 bytes
            } else if (i % 97 == 4) {
                s[i] = DatagramOptions.MAX_IPV4_DATAGRAM;
            } else {
                int kind = r.nextInt(100);
                s[i] = kind < 70 ? 4 + r.nextInt(1500) : kind < 95 ? 1500 + r.nextInt(15_000)
                        : 16_384 + r.nextInt(DatagramOptions.MAX_IPV4_DATAGRAM - 16_384 + 1);
            }
        }
        return s;
    }

    static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (i * 31 + j * 7 + (j >>> 8));
        }
        if (size >= 4) {
            ByteBuffer.wrap(b).putInt(0, i);
        }
        return b;
    }

    @Override
    public void connectionMade(DatagramTransport transport) {
        t = transport;
        sendWindow();
    }

    private void sendWindow() {
        int bytes = 0;
        while (next < sizes.length && outstanding.size() < windowCount
                && (outstanding.isEmpty() || bytes + sizes[next] <= windowBytes)) {
            bytes += sizes[next];
            outstanding.add(next);
            send(next++);
        }
        rounds = 0;
        resendTimer = loop.callLater(RESEND_AFTER, this::resend);
    }

    private void send(int i) {
        t.sendTo(payload(i, sizes[i]), peer);
    }

    private void resend() {
        if (done.isDone()) {
            return;
        }
        if (++rounds > maxResendRounds) {
            done.fail(new AssertionError("datagrams " + outstanding + " never came back (after " + maxResendRounds
                    + " resends)"));
            return;
        }
        for (int i : outstanding) {
            everResent.add(i);
            resent++;
            send(i);
        }
        resendTimer = loop.callLater(RESEND_AFTER, this::resend);
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress from) {
        int size = data.remaining();
        int i = size < 4 ? size : data.getInt(data.position());
        if (i < 0 || i >= sizes.length || sizes[i] != size) {
            problems.add("a datagram of " + size + " bytes that was never sent (index " + i + ")");
            return;
        }
        byte[] bytes = new byte[size];
        data.get(bytes);
        if (!Arrays.equals(bytes, payload(i, size))) {
            problems.add("datagram " + i + " came back corrupted");
            return;
        }
        if (got[i]) {
            if (!everResent.contains(i)) {
                unexpectedDuplicates++;
            }
            return;
        }
        got[i] = true;
        received++;
        outstanding.remove(i);
        if (outstanding.isEmpty()) {
            resendTimer.cancel();
            if (received == sizes.length) {
                done.complete(null);
            } else {
                sendWindow();
            }
        }
    }

    @Override
    public void errorReceived(java.io.IOException error) {
        problems.add("errorReceived: " + error);
    }
}
