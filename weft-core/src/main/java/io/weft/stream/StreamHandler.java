package io.weft.stream;

import io.weft.future.Promise;

/**
 * Serves one connection accepted by {@link Streams#serve}. Called on the loop thread as the
 * connection is made; the returned promise says when the handler is done with it.
 */
@FunctionalInterface
public interface StreamHandler {

    /**
     * Starts serving a connection. When the returned promise completes, the connection is
     * closed (buffered output flushed first). When it fails, or this method throws, the failure
     * goes to the loop's exception handler and the connection is aborted; a failure that is the
     * connection's own loss error (the peer reset it, say) is not reported, since it is no bug
     * of the handler's, and a cancellation is not reported either.
     */
    Promise<?> handle(StreamReader reader, StreamWriter writer);
}
