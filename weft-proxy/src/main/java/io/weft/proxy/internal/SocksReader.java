package io.weft.proxy.internal;

import io.weft.proxy.ProxyHandshakeException;
import io.weft.proxy.ProxyHandshakeException.Reason;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a SOCKS5 client's handshake messages from the bytes it sends, in the order they come:
 * the greeting (RFC 1928 section 3), the username/password request when the proxy asks for one
 * (RFC 1929 section 2), then the request (RFC 1928 section 4). Bytes in, a typed message or a
 * {@link SocksProtocolException} out; no I/O, and what to answer is the caller's business.
 *
 * <p>{@link #read} takes from its argument only the bytes of the next message, keeping a cut one
 * in a buffer of {@value SocksSession#MAX_MESSAGE} bytes until the rest arrives; after the
 * request it takes nothing more (the bytes that follow belong to the tunnel). A message is
 * judged as soon as its bytes can tell: a wrong version byte fails on that byte alone, however
 * the input was cut. Not thread-safe; one per client.
 */
final class SocksReader {
    private enum Next { GREETING, AUTH, REQUEST, DONE }

    /** What the client sent. */
    sealed interface Message permits Greeting, UserPass, Request { }

    /** VER NMETHODS METHODS: the authentication methods the client offers. */
    record Greeting(byte[] methods) implements Message {
        boolean offers(int method) {
            for (byte m : methods) {
                if ((m & 0xff) == method) {
                    return true;
                }
            }
            return false;
        }
    }

    /** RFC 1929's VER ULEN UNAME PLEN PASSWD; either may be empty (the caller refuses that). */
    record UserPass(byte[] user, byte[] password) implements Message { }

    /**
     * VER CMD RSV ATYP DST.ADDR DST.PORT with CMD CONNECT: either an address (IPv4 or IPv6) or
     * a domain name (ISO-8859-1, not empty), the other null.
     */
    record Request(InetAddress address, String domain, int port) implements Message { }

    private final boolean userPass;
    private final byte[] in = new byte[SocksSession.MAX_MESSAGE];
    private int len;
    private Next next = Next.GREETING;

    /** @param userPass whether the proxy asks for RFC 1929 username/password after the greeting */
    SocksReader(boolean userPass) {
        this.userPass = userPass;
    }

    /**
     * Takes bytes from {@code data} up to the end of the next message and returns it, or null
     * when {@code data} ran out first (its bytes are kept) or the request has been read (then
     * nothing is taken). An exception leaves the reader as it was: reading again throws it again.
     */
    Message read(ByteBuffer data) throws SocksProtocolException {
        while (next != Next.DONE) {
            int need = need();
            if (need < 0) {
                Message m = parse();
                next = switch (next) {
                    case GREETING -> userPass ? Next.AUTH : Next.REQUEST;
                    case AUTH -> Next.REQUEST;
                    default -> Next.DONE;
                };
                len = 0;
                return m;
            }
            if (!data.hasRemaining()) {
                return null;
            }
            if (len + need > in.length) {
                throw new SocksProtocolException(Reason.MALFORMED, "a SOCKS5 message longer than any valid one", -1);
            }
            // Only what the message is known to need, so that nothing past its end is taken.
            int n = Math.min(need, data.remaining());
            data.get(in, len, n);
            len += n;
        }
        return null;
    }

    /**
     * Checks the {@code len} bytes held so far: how many more the message needs at least, or -1
     * when it is complete. Throws when they already break the protocol.
     */
    private int need() throws SocksProtocolException {
        return switch (next) {
            case GREETING -> {
                // VER(1) NMETHODS(1) METHODS(NMETHODS)
                if (len < 1) {
                    yield 1;
                }
                if (u(0) != SocksSession.VERSION) {
                    throw new SocksProtocolException(Reason.MALFORMED, "not SOCKS5: version byte " + u(0), -1);
                }
                yield len < 2 ? 1 : missing(2 + u(1));
            }
            case AUTH -> {
                // VER(1) ULEN(1) UNAME(ULEN) PLEN(1) PASSWD(PLEN)
                if (len < 1) {
                    yield 1;
                }
                if (u(0) != 1) {
                    throw new SocksProtocolException(Reason.MALFORMED,
                            "username/password version must be 1, not " + u(0), -1);
                }
                if (len < 2) {
                    yield 1;
                }
                int ulen = u(1);
                yield len < 3 + ulen ? 3 + ulen - len : missing(3 + ulen + u(2 + ulen));
            }
            case REQUEST -> {
                // VER(1) CMD(1) RSV(1) ATYP(1) DST.ADDR DST.PORT(2)
                if (len < 1) {
                    yield 1;
                }
                if (u(0) != SocksSession.VERSION) {
                    throw new SocksProtocolException(Reason.MALFORMED, "request version byte " + u(0) + ", not 5",
                            SocksSession.REP_GENERAL_FAILURE);
                }
                if (len < 4) {
                    yield 4 - len;
                }
                int atyp = u(3);
                if (atyp == SocksSession.ATYP_IPV4 || atyp == SocksSession.ATYP_IPV6) {
                    yield missing(4 + (atyp == SocksSession.ATYP_IPV4 ? 4 : 16) + 2);
                }
                if (atyp != SocksSession.ATYP_DOMAIN) {
                    throw new SocksProtocolException(Reason.UNSUPPORTED, "address type " + atyp
                            + " (only 1 IPv4, 3 domain, 4 IPv6)", SocksSession.REP_ADDRESS_TYPE_NOT_SUPPORTED);
                }
                if (len < 5) {
                    yield 1;
                }
                if (u(4) == 0) {
                    throw new SocksProtocolException(Reason.MALFORMED, "an empty domain name",
                            SocksSession.REP_GENERAL_FAILURE);
                }
                yield missing(4 + 1 + u(4) + 2);
            }
            case DONE -> throw new AssertionError("nothing follows the request");
        };
    }

    /** The held bytes as the complete message {@link #need} vouched for. */
    private Message parse() throws SocksProtocolException {
        return switch (next) {
            case GREETING -> new Greeting(Arrays.copyOfRange(in, 2, len));
            case AUTH -> {
                int ulen = u(1);
                yield new UserPass(Arrays.copyOfRange(in, 2, 2 + ulen), Arrays.copyOfRange(in, 3 + ulen, len));
            }
            case REQUEST -> {
                if (u(1) != SocksSession.CMD_CONNECT) {
                    throw new SocksProtocolException(Reason.UNSUPPORTED, "command " + u(1) + " (only 1, CONNECT)",
                            SocksSession.REP_COMMAND_NOT_SUPPORTED);
                }
                int port = (u(len - 2) << 8) | u(len - 1);
                if (u(3) == SocksSession.ATYP_DOMAIN) {
                    yield new Request(null, new String(in, 5, len - 7, StandardCharsets.ISO_8859_1), port);
                }
                try {
                    yield new Request(InetAddress.getByAddress(Arrays.copyOfRange(in, 4, len - 2)), null, port);
                } catch (UnknownHostException e) {
                    throw new AssertionError(e); // 4 or 16 bytes are always an address
                }
            }
            case DONE -> throw new AssertionError("nothing follows the request");
        };
    }

    /** How many bytes short of {@code total} the held ones are, or -1 when there are enough. */
    private int missing(int total) {
        return len < total ? total - len : -1;
    }

    private int u(int i) {
        return in[i] & 0xff;
    }

    /** A client's bytes that break SOCKS5, with the reply RFC 1928 has for it (-1: none, just close). */
    static final class SocksProtocolException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Reason reason;
        private final int reply;

        SocksProtocolException(Reason reason, String message, int reply) {
            super(message);
            this.reason = reason;
            this.reply = reply;
        }

        int reply() {
            return reply;
        }

        ProxyHandshakeException toHandshakeException() {
            return new ProxyHandshakeException(reason, getMessage());
        }
    }
}
