package io.weft.http.client;

/** More redirects than {@link ClientOptions#maxRedirects()}, or a redirect without a usable Location. */
public final class TooManyRedirectsException extends HttpClientException {
    public TooManyRedirectsException(String message) {
        super(message);
    }
}
