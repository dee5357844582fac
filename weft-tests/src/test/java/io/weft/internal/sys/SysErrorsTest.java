package io.weft.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.internal.io.Errors;
import io.weft.net.ConnectionResetException;
import io.weft.net.DatagramTooLargeException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SysErrorsTest {
    @BeforeAll
    static void needsNative() {
        Raw.assumeNative(); // strerror is a downcall
    }

    @Test
    void theMessageNamesTheCallTheErrnoAndLibcsText() {
        assertThat(SysErrors.exception("connect", Errno.ECONNREFUSED))
                .isInstanceOf(ConnectException.class)
                .hasMessage("connect: ECONNREFUSED (Connection refused)");
        assertThat(SysErrors.exception("frob", 4095)).isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith("frob: errno 4095 (");
    }

    @Test
    void eachErrnoGetsTheTypeTheNioBackendReportsForIt() {
        assertThat(SysErrors.exception("recv", Errno.ECONNRESET)).isInstanceOf(ConnectionResetException.class);
        assertThat(SysErrors.exception("send", Errno.EPIPE)).isInstanceOf(ConnectionResetException.class);
        assertThat(SysErrors.exception("connect", Errno.ETIMEDOUT)).isInstanceOf(ConnectException.class);
        assertThat(SysErrors.exception("connect", Errno.EHOSTUNREACH)).isInstanceOf(NoRouteToHostException.class);
        assertThat(SysErrors.exception("connect", Errno.ENETUNREACH)).isInstanceOf(NoRouteToHostException.class);
        assertThat(SysErrors.exception("bind", Errno.EADDRINUSE)).isInstanceOf(BindException.class);
        assertThat(SysErrors.exception("bind", Errno.EACCES)).isInstanceOf(BindException.class);
        assertThat(SysErrors.exception("sendto", Errno.EACCES)).isExactlyInstanceOf(SocketException.class);
        assertThat(SysErrors.exception("sendmsg", Errno.EMSGSIZE)).isInstanceOf(DatagramTooLargeException.class);
        assertThat(SysErrors.exception("recvmsg", Errno.ECONNREFUSED)).isInstanceOf(PortUnreachableException.class);
        assertThat(SysErrors.exception("accept4", Errno.ENOTSOCK)).isExactlyInstanceOf(SocketException.class);
        assertThat(SysErrors.exception("read", Errno.EBADF)).isExactlyInstanceOf(IOException.class);
    }

    @Test
    void outOfFilesIsRecognisedTheWayTheNioBackendsIs() {
        for (int errno : new int[] {Errno.EMFILE, Errno.ENFILE}) {
            IOException e = SysErrors.exception("accept4", errno);
            assertThat(Errors.isOutOfFiles(e)).as(e.getMessage()).isTrue();
            assertThat(SysErrors.isOutOfFiles(errno)).isTrue();
        }
        assertThat(Errors.isOutOfFiles(SysErrors.exception("accept4", Errno.ECONNABORTED))).isFalse();
        assertThat(SysErrors.isOutOfFiles(Errno.ENOMEM)).isFalse();
    }
}
