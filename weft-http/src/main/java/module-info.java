/**
 * Weft's HTTP/1.1: a strict server (RFC 9112) with callback, future and green-thread handlers,
 * and a client with a connection pool, both on weft-core's transports.
 */
module io.weft.http {
    requires transitive io.weft.core;
    exports io.weft.http;
    exports io.weft.http.client;
    // The parsers are internal; the command line's static file server and the fuzz targets
    // reach them through the API only. The proxies reuse the request parser for CONNECT and
    // forward requests, and the response parser to find where a response ends.
    exports io.weft.http.internal.parse to io.weft.proxy;
}
