package io.weft.bench.macro.server;

/**
 * One echo server, listening on 127.0.0.1. Started on the calling thread; its own threads serve
 * the connections until the process exits.
 */
interface EchoServer {

    /** Listens on a free port of 127.0.0.1 and returns that port; connections are served from then on. */
    int start() throws Exception;
}
