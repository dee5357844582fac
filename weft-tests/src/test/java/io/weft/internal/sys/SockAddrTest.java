package io.weft.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Encoding and decoding socket addresses; pure memory, no system calls. */
class SockAddrTest {
    private Arena arena;
    private MemorySegment seg;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        seg = arena.allocate(128, 8);
        seg.fill((byte) 0x55); // stale bytes must not leak into an encoding
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    private SocketAddress roundTrip(SocketAddress a, int expectedLength) {
        int len = SockAddr.encode(a, seg);
        assertThat(len).isEqualTo(expectedLength);
        return SockAddr.decode(seg, len);
    }

    @Test
    void ipv4IsASixteenByteSockaddrInWithThePortInNetworkOrder() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1f90);
        assertThat(roundTrip(a, 16)).isEqualTo(a);
        assertThat(seg.get(ValueLayout.JAVA_SHORT, 0)).isEqualTo((short) SocketConstants.AF_INET);
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 2)).isEqualTo((byte) 0x1f);
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 3)).isEqualTo((byte) 0x90);
        assertThat(seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4)).isEqualTo(0x0a010203);
        assertThat(seg.get(ValueLayout.JAVA_LONG_UNALIGNED, 8)).as("sin_zero").isZero();
    }

    @Test
    void ipv6IsATwentyEightByteSockaddrIn6KeepingTheScopeId() throws Exception {
        InetSocketAddress plain = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 65535);
        assertThat(roundTrip(plain, 28)).isEqualTo(plain);
        assertThat(seg.get(ValueLayout.JAVA_SHORT, 0)).isEqualTo((short) SocketConstants.AF_INET6);

        Inet6Address linkLocal = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        InetSocketAddress scoped = new InetSocketAddress(linkLocal, 443);
        SocketAddress back = roundTrip(scoped, 28);
        assertThat(back).isEqualTo(scoped);
        assertThat(((Inet6Address) ((InetSocketAddress) back).getAddress()).getScopeId()).isEqualTo(3);
        assertThat(seg.get(ValueLayout.JAVA_INT_UNALIGNED, 24)).isEqualTo(3);
    }

    @Test
    void onAnIpv6SocketIpv4IsWrittenMappedAndDecodesBackAsIpv4() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80);
        int len = SockAddr.encode(a, seg, true);
        assertThat(len).isEqualTo(28);
        assertThat(seg.get(ValueLayout.JAVA_SHORT, 0)).isEqualTo((short) SocketConstants.AF_INET6);
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 18)).isEqualTo((byte) 0xff);
        assertThat(SockAddr.decode(seg, len)).isEqualTo(a);
    }

    @Test
    void aUnixPathIsASockaddrUnWithItsNulAndTheUnnamedAddressIsTheEmptyPath() {
        UnixDomainSocketAddress a = UnixDomainSocketAddress.of("/tmp/weft.sock");
        assertThat(roundTrip(a, 2 + "/tmp/weft.sock".length() + 1)).isEqualTo(a);
        assertThat(seg.get(ValueLayout.JAVA_SHORT, 0)).isEqualTo((short) SocketConstants.AF_UNIX);

        UnixDomainSocketAddress unnamed = UnixDomainSocketAddress.of("");
        assertThat(roundTrip(unnamed, 2)).isEqualTo(unnamed);

        String longest = "/" + "p".repeat(SockAddr.UN_MAX_PATH - 1);
        assertThat(roundTrip(UnixDomainSocketAddress.of(longest), SockAddr.UN_SIZE))
                .isEqualTo(UnixDomainSocketAddress.of(longest));
    }

    @Test
    void aUnixPathTooLongForSunPathIsRefusedSayingHowLongItMayBe() {
        String tooLong = "/" + "p".repeat(SockAddr.UN_MAX_PATH);
        assertThatThrownBy(() -> SockAddr.encode(UnixDomainSocketAddress.of(tooLong), seg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("108 bytes, longer than the 107 that sockaddr_un holds");
    }

    @Test
    void anUnresolvedAddressOrATooSmallSegmentIsRefused() {
        assertThatThrownBy(() -> SockAddr.encode(InetSocketAddress.createUnresolved("example.com", 80), seg))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resolve it first");
        assertThatThrownBy(() -> SockAddr.encode(new InetSocketAddress("::1", 1), seg.asSlice(0, 16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold a 28-byte");
    }

    @Test
    void anUnknownFamilyIsRefusedOnDecode() {
        seg.set(ValueLayout.JAVA_SHORT, 0, (short) 17); // AF_PACKET
        assertThatThrownBy(() -> SockAddr.decode(seg, 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected address family 17");
    }
}
