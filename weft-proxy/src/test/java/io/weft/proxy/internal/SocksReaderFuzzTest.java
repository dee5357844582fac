package io.weft.proxy.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The SOCKS5 handshake reader on a client's bytes, cut into reads at points the fuzzer picks,
 * against one read of the whole input and against {@link #reference}, a decoder written from
 * RFC 1928 sections 3 and 4 and RFC 1929 section 2 rather than from the reader.
 *
 * <p>Properties: the same messages, the same protocol error (reason and reply code) and the same
 * bytes left for the tunnel, however the input is cut; nothing thrown but
 * {@link SocksReader.SocksProtocolException}; a read that gives no message has taken all it was
 * given; and the reader never takes a byte past the request.
 *
 * <p>In a plain build this runs the inputs under {@code SocksReaderFuzzTestInputs/}; to fuzz, see
 * {@code tools/fuzz.sh}.
 */
class SocksReaderFuzzTest {
    private static final HexFormat HEX = HexFormat.of();

    @FuzzTest
    void readsAsTheWholeInputWould(FuzzedDataProvider data) {
        boolean userPass = data.consumeBoolean();
        int[] cuts = new int[data.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1023);
        }
        byte[] input = data.consumeRemainingAsBytes();
        Arrays.sort(cuts);

        List<String> expected = reference(input, userPass);
        List<String> whole = read(input, new int[0], userPass);
        List<String> pieces = read(input, cuts, userPass);
        check(whole.equals(expected), "one read disagrees with the RFC reading of %s\n read: %s\n RFC:  %s", input,
                whole, expected);
        check(pieces.equals(whole), "reads cut at %s disagree with one read of %s\n cut:   %s\n whole: %s",
                Arrays.toString(cuts), input, pieces, whole);
    }

    /**
     * What {@link SocksReader} makes of {@code input} cut at {@code cuts}: the messages, then
     * "error REASON reply", "incomplete" or "rest HEX" (the bytes it left for the tunnel).
     */
    private static List<String> read(byte[] input, int[] cuts, boolean userPass) {
        SocksReader reader = new SocksReader(userPass);
        List<String> out = new ArrayList<>();
        ByteBuffer rest = ByteBuffer.allocate(input.length);
        boolean done = false;
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? Math.min(cuts[i], input.length) : input.length;
            if (to < from) {
                continue;
            }
            // A read lent at an offset of a bigger buffer, as a transport lends it.
            byte[] lent = new byte[to - from + 8];
            Arrays.fill(lent, (byte) 0x5a);
            System.arraycopy(input, from, lent, 4, to - from);
            ByteBuffer piece = ByteBuffer.wrap(lent, 4, to - from);
            from = to;
            if (done) {
                rest.put(piece);
                continue;
            }
            try {
                SocksReader.Message m;
                while ((m = reader.read(piece)) != null) {
                    out.add(show(m));
                    done = m instanceof SocksReader.Request;
                }
            } catch (SocksReader.SocksProtocolException e) {
                out.add("error " + e.toHandshakeException().reason() + " " + e.reply());
                return out;
            }
            check(done || !piece.hasRemaining(), "a read that gave no message left %d bytes", piece.remaining());
            rest.put(piece);
        }
        out.add(done ? "rest " + HEX.formatHex(rest.array(), 0, rest.position()) : "incomplete");
        return out;
    }

    private static String show(SocksReader.Message m) {
        return switch (m) {
            case SocksReader.Greeting g -> "greeting " + HEX.formatHex(g.methods());
            case SocksReader.UserPass a -> "userpass " + HEX.formatHex(a.user()) + " " + HEX.formatHex(a.password());
            case SocksReader.Request r -> "connect " + (r.domain() != null ? "domain " + HEX.formatHex(r.domain()
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) : "ip " + HEX.formatHex(r.address()
                    .getAddress())) + " " + r.port();
        };
    }

    // ---- the reference: RFC 1928 and 1929 read field by field, from the whole input ----

    /** Thrown when the input ends inside a field. */
    private static final class Incomplete extends Exception {
        Incomplete() {
            super(null, null, false, false);
        }
    }

    /** A cursor over the whole input. */
    private static final class Cursor {
        final byte[] b;
        int at;

        Cursor(byte[] b) {
            this.b = b;
        }

        int octet() throws Incomplete {
            if (at == b.length) {
                throw new Incomplete();
            }
            return b[at++] & 0xff;
        }

        byte[] octets(int n) throws Incomplete {
            if (b.length - at < n) {
                throw new Incomplete();
            }
            at += n;
            return Arrays.copyOfRange(b, at - n, at);
        }
    }

    /**
     * The messages of {@code input} in the same notation as {@link #read}. Each field is judged
     * when it is read, in the order the RFCs lay them out, except CMD: an unsupported command is
     * only reported once the whole request is in (the reader's choice, so that the reply can
     * follow the request, as RFC 1928 section 6 sends it). RSV is not checked; an IPv4-mapped
     * IPv6 address (::ffff:0:0/96) is taken as the IPv4 address it maps, as {@code InetAddress}
     * does.
     */
    private static List<String> reference(byte[] input, boolean userPass) {
        List<String> out = new ArrayList<>();
        Cursor c = new Cursor(input);
        try {
            // RFC 1928 section 3: VER NMETHODS METHODS
            if (c.octet() != 5) {
                return error(out, "MALFORMED", -1);
            }
            out.add("greeting " + HEX.formatHex(c.octets(c.octet())));
            if (userPass) {
                // RFC 1929 section 2: VER ULEN UNAME PLEN PASSWD
                if (c.octet() != 1) {
                    return error(out, "MALFORMED", -1);
                }
                byte[] user = c.octets(c.octet());
                byte[] password = c.octets(c.octet());
                out.add("userpass " + HEX.formatHex(user) + " " + HEX.formatHex(password));
            }
            // RFC 1928 section 4: VER CMD RSV ATYP DST.ADDR DST.PORT
            if (c.octet() != 5) {
                return error(out, "MALFORMED", 1); // X'01' general SOCKS server failure
            }
            int cmd = c.octet();
            c.octet(); // RSV
            String address = switch (c.octet()) {
                case 1 -> "ip " + HEX.formatHex(c.octets(4));
                case 4 -> {
                    byte[] v6 = c.octets(16);
                    boolean mapped = Arrays.equals(v6, 0, 12,
                            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, 0, 12);
                    yield "ip " + HEX.formatHex(v6, mapped ? 12 : 0, 16);
                }
                case 3 -> {
                    int n = c.octet();
                    if (n == 0) {
                        yield null;
                    }
                    yield "domain " + HEX.formatHex(c.octets(n));
                }
                default -> "unsupported";
            };
            if (address == null) {
                return error(out, "MALFORMED", 1);
            }
            if (address.equals("unsupported")) {
                return error(out, "UNSUPPORTED", 8); // X'08' address type not supported
            }
            int port = c.octet() << 8 | c.octet();
            if (cmd != 1) {
                return error(out, "UNSUPPORTED", 7); // X'07' command not supported
            }
            out.add("connect " + address + " " + port);
            out.add("rest " + HEX.formatHex(input, c.at, input.length));
        } catch (Incomplete e) {
            out.add("incomplete");
        }
        return out;
    }

    private static List<String> error(List<String> out, String reason, int reply) {
        out.add("error " + reason + " " + reply);
        return out;
    }

    /** A cheap assertion for the hot path: the message is formatted only on failure. */
    private static void check(boolean ok, String what, Object... args) {
        if (!ok) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof byte[] b) {
                    args[i] = HEX.formatHex(b);
                }
            }
            throw new AssertionError(String.format(what, args));
        }
    }
}
