package io.weft.proxy.internal;

import io.weft.future.Promise;
import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import io.weft.proxy.Credentials;
import io.weft.proxy.ProxyHandshakeException;
import io.weft.proxy.ProxyHandshakeException.Reason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One SOCKS5 client (RFC 1928), from its greeting to the tunnel:
 * <pre>
 *   GREETING --method chosen--&gt; [AUTH (RFC 1929) --ok--&gt;] REQUEST --CONNECT parsed--&gt; CONNECTING
 *     --upstream connected, reply 00--&gt; the relay takes over
 *   any state --bad bytes, timeout, refusal--&gt; (error reply where RFC 1928 has one) close
 * </pre>
 * Handshake bytes collect in {@link SocksReader}'s buffer of {@value #MAX_MESSAGE} bytes, more
 * than the largest message (an RFC 1929 request: 1 + 1 + 255 + 1 + 255 = 513 bytes), so a client
 * cannot make the proxy hold more. Reading stops while the name resolves and the upstream
 * connects; bytes the client sent after its request go upstream first. Loop thread.
 */
public final class SocksSession implements Protocol {
    static final int MAX_MESSAGE = 600;

    // RFC 1928 section 3: methods; section 6: reply codes; section 4: commands and address types.
    static final int VERSION = 5;
    static final int METHOD_NONE = 0x00;
    static final int METHOD_USERPASS = 0x02;
    static final int METHOD_UNACCEPTABLE = 0xff;
    static final int CMD_CONNECT = 1;
    static final int ATYP_IPV4 = 1;
    static final int ATYP_DOMAIN = 3;
    static final int ATYP_IPV6 = 4;
    public static final int REP_SUCCEEDED = 0x00;
    public static final int REP_GENERAL_FAILURE = 0x01;
    public static final int REP_NOT_ALLOWED = 0x02;
    public static final int REP_NETWORK_UNREACHABLE = 0x03;
    public static final int REP_HOST_UNREACHABLE = 0x04;
    public static final int REP_CONNECTION_REFUSED = 0x05;
    public static final int REP_TTL_EXPIRED = 0x06;
    public static final int REP_COMMAND_NOT_SUPPORTED = 0x07;
    public static final int REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    private enum State { GREETING, AUTH, REQUEST, CONNECTING, RELAYING, CLOSED }

    private final Listener listener;
    private final Credentials credentials;
    private final SocksReader reader;
    private State state = State.GREETING;
    private Transport client;
    private TimerHandle handshakeTimer;
    private ByteBuffer early;
    private Promise<?> pending;
    private Upstream upstream;

    public SocksSession(Listener listener, Credentials credentials) {
        this.listener = listener;
        this.credentials = credentials;
        this.reader = new SocksReader(credentials != null);
    }

    @Override
    public void connectionMade(Transport t) {
        client = t;
        if (!listener.admit(t)) {
            state = State.CLOSED;
            return;
        }
        handshakeTimer = listener.loop().callLater(listener.policy().handshakeTimeout(), () -> {
            handshakeTimer = null;
            fail(new ProxyHandshakeException(Reason.TIMEOUT, "no complete SOCKS5 handshake within "
                    + listener.policy().handshakeTimeout().toMillis() + " ms"), -1);
        });
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        try {
            SocksReader.Message m;
            while (isHandshaking() && (m = reader.read(data)) != null) {
                switch (m) {
                    case SocksReader.Greeting g -> greeting(g);
                    case SocksReader.UserPass a -> auth(a);
                    case SocksReader.Request r -> request(r);
                }
            }
        } catch (SocksReader.SocksProtocolException e) {
            fail(e.toHandshakeException(), e.reply());
            return;
        }
        if (state == State.CONNECTING && data.hasRemaining()) {
            keepEarly(data);
        }
        data.position(data.limit());
    }

    private boolean isHandshaking() {
        return state == State.GREETING || state == State.AUTH || state == State.REQUEST;
    }

    private void keepEarly(ByteBuffer data) {
        ByteBuffer grown = ByteBuffer.allocate((early == null ? 0 : early.remaining()) + data.remaining());
        if (early != null) {
            grown.put(early);
        }
        grown.put(data).flip();
        early = grown;
    }

    private void greeting(SocksReader.Greeting g) {
        int wanted = credentials != null ? METHOD_USERPASS : METHOD_NONE;
        if (!g.offers(wanted)) {
            client.write(new byte[] {VERSION, (byte) METHOD_UNACCEPTABLE});
            fail(new ProxyHandshakeException(Reason.AUTHENTICATION, credentials != null
                    ? "the client does not offer username/password authentication, which this proxy requires"
                    : "the client offers no method this proxy accepts (no authentication)"), -1);
            return;
        }
        client.write(new byte[] {VERSION, (byte) wanted});
        state = credentials != null ? State.AUTH : State.REQUEST;
    }

    private void auth(SocksReader.UserPass a) {
        if (a.user().length == 0 || a.password().length == 0 || !credentials.check(a.user(), a.password())) {
            client.write(new byte[] {1, 1});
            fail(new ProxyHandshakeException(Reason.AUTHENTICATION, "wrong username or password for \""
                    + new String(a.user(), StandardCharsets.UTF_8) + "\""), -1);
            return;
        }
        client.write(new byte[] {1, 0});
        state = State.REQUEST;
    }

    private void request(SocksReader.Request r) {
        state = State.CONNECTING;
        cancelHandshakeTimer();
        client.pauseReading();
        if (r.domain() != null) {
            resolveAndConnect(r.domain(), r.port());
        } else {
            connectTo(List.of(r.address()), 0, r.port(), r.address().getHostAddress());
        }
    }

    private void resolveAndConnect(String name, int port) {
        Promise<InetAddress[]> lookup = listener.loop().offload(() -> InetAddress.getAllByName(name));
        pending = lookup;
        lookup.whenComplete((all, e) -> {
            pending = null;
            if (state != State.CONNECTING) {
                return;
            }
            if (e != null) {
                fail(new ProxyHandshakeException(Reason.UNKNOWN_HOST, "cannot resolve " + name, e), REP_HOST_UNREACHABLE);
                return;
            }
            connectTo(Arrays.asList(all), 0, port, name);
        });
    }

    /** Tries the allowed ones of {@code addresses} from {@code i} on, one after the other. */
    private void connectTo(List<InetAddress> addresses, int i, int port, String name) {
        List<InetAddress> allowed = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (listener.policy().allowsDestination(a, port)) {
                allowed.add(a);
            }
        }
        if (allowed.isEmpty() || port == 0) {
            fail(new ProxyHandshakeException(Reason.DESTINATION_DENIED, name + ":" + port
                    + " is outside the destinations this proxy may reach"), REP_NOT_ALLOWED);
            return;
        }
        attempt(allowed, i, port, name, null);
    }

    private void attempt(List<InetAddress> allowed, int i, int port, String name, Throwable last) {
        if (i >= allowed.size()) {
            Failures kind = Failures.of(last);
            int rep = switch (kind) {
                case REFUSED -> REP_CONNECTION_REFUSED;
                case UNREACHABLE -> REP_NETWORK_UNREACHABLE;
                case TIMEOUT -> REP_TTL_EXPIRED;
                case UNKNOWN_HOST -> REP_HOST_UNREACHABLE;
                case OTHER -> REP_GENERAL_FAILURE;
            };
            fail(new ProxyHandshakeException(Reason.UPSTREAM_FAILED, "cannot connect to " + name + ":" + port, last), rep);
            return;
        }
        Promise<Upstream> c = listener.connect(new InetSocketAddress(allowed.get(i), port));
        pending = c;
        c.whenComplete((up, e) -> {
            pending = null;
            if (state != State.CONNECTING) {
                if (up != null) {
                    up.transport().abort();
                }
                return;
            }
            if (e != null || !up.usable()) {
                attempt(allowed, i + 1, port, name, e);
                return;
            }
            upstream = up;
            connected(up.transport());
        });
    }

    private void connected(Transport up) {
        InetSocketAddress bound = (InetSocketAddress) up.localAddress();
        byte[] addr = bound.getAddress().getAddress();
        ByteBuffer reply = ByteBuffer.allocate(6 + addr.length);
        reply.put((byte) VERSION).put((byte) REP_SUCCEEDED).put((byte) 0)
                .put((byte) (bound.getAddress() instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6))
                .put(addr).putShort((short) bound.getPort()).flip();
        client.write(reply);
        state = State.RELAYING;
        listener.tunnel(client, up, early);
        early = null;
    }

    /** Sends the error reply {@code rep} (none when -1), closes the client and returns -1. */
    private int fail(ProxyHandshakeException e, int rep) {
        if (state == State.CLOSED || state == State.RELAYING) {
            return -1;
        }
        state = State.CLOSED;
        cancelHandshakeTimer();
        if (rep >= 0 && !client.isClosing()) {
            client.write(new byte[] {VERSION, (byte) rep, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0});
        }
        listener.handshakeFailed(client, e);
        return -1;
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        // Only heard before the relay takes over: afterwards the relay is the client's protocol.
        if (state != State.CLOSED) {
            listener.events().handshakeFailed(client.remoteAddress(), new ProxyHandshakeException(Reason.CLIENT_GONE,
                    "the client left during the SOCKS5 handshake", cause));
        }
        state = State.CLOSED;
        cancelHandshakeTimer();
        if (pending != null) {
            pending.cancel();
        }
        if (upstream != null && upstream.transport() != null) {
            upstream.transport().abort();
        }
        listener.release(client);
    }
}
