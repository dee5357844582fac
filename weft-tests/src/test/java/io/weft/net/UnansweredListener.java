package io.weft.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening socket on a loopback address whose accept queue is full, so the kernel drops new
 * SYNs and a connect to it hangs in SYN_SENT, as towards a host that does not answer, without
 * leaving loopback. Built by connecting (and never accepting) until a connect times out.
 */
final class UnansweredListener implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    UnansweredListener(String loopbackIp) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(loopbackIp, 0), 1);
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            try {
                s.connect(address(), 200);
                fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        close();
        throw new IllegalStateException("the accept queue of " + address() + " never filled up");
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Connection attempts to it still waiting for an answer, in this whole network namespace. */
    long attemptsInFlight() {
        return TcpTable.count(address().getAddress().getHostAddress(), address().getPort(), TcpTable.SYN_SENT);
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
