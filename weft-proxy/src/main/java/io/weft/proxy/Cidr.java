package io.weft.proxy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP network, {@code address/prefix} ({@code 10.0.0.0/8}, {@code ::1/128}); a bare address
 * is a network of one. An IPv4 network never contains an IPv6 address or the other way round,
 * except that an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is compared as IPv4.
 * Immutable; any thread.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
        mask(this.network, prefix);
    }

    /** IPv4 and IPv6 loopback: 127.0.0.0/8 and ::1/128. */
    public static final java.util.List<Cidr> LOOPBACK = java.util.List.of(parse("127.0.0.0/8"), parse("::1/128"));

    /**
     * Parses {@code a.b.c.d/n}, {@code x:y::z/n} or a bare literal address.
     *
     * @throws IllegalArgumentException naming what is wrong; names are not resolved
     */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a network: \"" + text + "\" (write a.b.c.d/n or x:y::z/n; names are not resolved)");
        }
        byte[] bytes = a.getAddress();
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("bad prefix length in \"" + text + "\": must be 0 to " + max);
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** Whether {@code address} lies in this network. */
    public boolean contains(InetAddress address) {
        byte[] b = unmap(address.getAddress());
        if (b.length != network.length) {
            return false;
        }
        mask(b, prefix);
        return Arrays.equals(b, network);
    }

    /** Whether any of {@code networks} contains {@code address}. */
    public static boolean any(java.util.List<Cidr> networks, InetAddress address) {
        for (Cidr c : networks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] unmap(byte[] b) {
        if (b.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return b;
                }
            }
            if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                return Arrays.copyOfRange(b, 12, 16);
            }
        }
        return b;
    }

    private static void mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff00 >>> bits);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
