package io.weft.cli.echo;

/**
 * What an echo server has done so far: counters kept on its loop thread, one set per server.
 * Loop thread only; other threads see {@link Snapshot}s taken there.
 */
public final class EchoStats {
    long connections;
    long bytes;
    long readPauses;

    EchoStats() {
    }

    Snapshot snapshot() {
        return new Snapshot(connections, bytes, readPauses);
    }

    /**
     * @param connections connections accepted
     * @param bytes       bytes received and written back
     * @param readPauses  how often a connection's reading was paused because its peer read too slowly
     */
    public record Snapshot(long connections, long bytes, long readPauses) {
    }
}
