package io.weft.bench.macro.server;

/**
 * One echo server, listening on 127.0.0.1. Started on the calling thread; its own threads serve
 * the connections until the process exits.
 */
interface EchoServer {

    /** Listens on a free port of 127.0.0.1 and returns that port; connections are served from then on. */
    int start() throws Exception;

    /** The event loops serving, after {@link #start}, for the loop-lag probe; empty for peers without any. */
    default java.util.List<io.weft.loop.EventLoop> loops() {
        return java.util.List.of();
    }
}
