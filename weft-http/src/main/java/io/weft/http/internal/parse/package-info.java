/**
 * The HTTP/1.1 parsers: a request head parser that records offsets into the caller's buffer and
 * keeps no state between calls, a response head parser of the same shape, and a resumable
 * chunked-body decoder. They copy nothing and reject what RFC 9112 says to reject.
 */
package io.weft.http.internal.parse;
