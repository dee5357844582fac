package io.weft.http;

import io.weft.future.Promise;
import java.util.function.Function;

/**
 * Answers requests, callback style: called on the loop thread once per request, in the order
 * requests arrive on a connection. It may answer at once or later (from any callback of the
 * same loop), but must end the response sooner or later with {@link HttpResponse#end}; the
 * connection's next request waits until it does. A handler that throws before the response
 * started gets a 500 sent for it, and the exception goes to the loop's exception handler.
 *
 * <p>The other two styles adapt to this one: {@link #future} for a function returning a
 * promise of a {@link Reply}, {@link #green} for blocking-style code on a green thread.
 */
@FunctionalInterface
public interface HttpHandler {

    void handle(HttpRequest request, HttpResponse response) throws Exception;

    /**
     * A handler that returns a promise of the whole reply. A failed promise is answered 500
     * (and reported to the loop's exception handler); a cancelled one closes the connection.
     */
    static HttpHandler future(Function<? super HttpRequest, ? extends Promise<Reply>> handler) {
        return (request, response) -> handler.apply(request).whenComplete((reply, failure) -> {
            if (failure != null) {
                response.fail(failure);
            } else {
                reply.sendTo(response);
            }
        });
    }

    /**
     * Runs each request in a green thread of the server's loop, where
     * {@link HttpRequest#bodyStream()} reads block and {@link HttpResponse#write} blocks while
     * the client is slow (parking the green thread, not the loop). The response is ended when
     * the handler returns, if the handler did not end it; an exception is answered 500 if
     * nothing was sent yet, else the connection is aborted.
     */
    static HttpHandler green(GreenHandler handler) {
        return (request, response) -> response.loop().spawn(() -> {
            try {
                handler.handle(request, response);
                if (!response.isEnded()) {
                    response.end();
                }
            } catch (Throwable t) {
                response.fail(t);
            }
            return null;
        });
    }

    /** Blocking-style request code for {@link #green}. */
    @FunctionalInterface
    interface GreenHandler {
        void handle(HttpRequest request, HttpResponse response) throws Exception;
    }
}
