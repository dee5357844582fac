/**
 * The HTTP/1.1 plaintext benchmark's servers: Weft's {@code HttpServer} and a minimal Netty
 * HTTP codec server, both answering "Hello, World!" with Date, Content-Type and Content-Length,
 * on one loop thread each. {@code weft-bench/run-http.sh} drives them, and nginx, with wrk.
 */
package io.weft.bench.http;
