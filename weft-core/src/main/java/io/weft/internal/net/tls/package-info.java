/**
 * TLS as a layer over any stream transport, on {@link javax.net.ssl.SSLEngine}: to the
 * transport underneath it is a protocol that receives and writes ciphertext; to the
 * application's protocol above it is a transport of plaintext. {@link
 * io.weft.internal.net.tls.TlsLayer} makes one; {@link io.weft.internal.net.tls.TlsConnection}
 * is its state machine.
 */
package io.weft.internal.net.tls;
