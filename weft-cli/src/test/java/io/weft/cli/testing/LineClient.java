package io.weft.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking line client on a real socket, as {@code nc} would be: sends lines, reads lines
 * (LF or CRLF) as UTF-8. Reads time out after 20 s so that a missing line fails the test with
 * a message instead of hanging it.
 */
public final class LineClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    public static LineClient connect(InetSocketAddress address) {
        return connect(address, 0);
    }

    /** With {@code receiveBuffer} > 0, the socket's receive buffer is set small before connecting. */
    public static LineClient connect(InetSocketAddress address, int receiveBuffer) {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.connect(address, READ_TIMEOUT_MILLIS);
            return new LineClient(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    /** Sends {@code text} and a LF. */
    public void send(String text) {
        sendRaw((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line; fails the test if none comes within the read timeout or the stream ends. */
    public String line() {
        try {
            String line = in.readLine();
            assertThat(line).as("a line, not the end of the stream").isNotNull();
            return line;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no line within " + READ_TIMEOUT_MILLIS + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads lines until one equals {@code wanted}, failing if the stream ends first. */
    public void skipUntil(String wanted) {
        while (!line().equals(wanted)) {
            // skip
        }
    }

    /**
     * Whether the server closed the connection: true once a read finds the end of the stream or
     * a reset, after any lines still buffered (which are dropped). Fails on a read timeout.
     */
    public boolean closedByServer() {
        try {
            while (in.readLine() != null) {
                // drain what was sent before the close
            }
            return true;
        } catch (SocketException e) {
            return true; // reset: the server aborted
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shuts the sending side: the server sees end of stream. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
