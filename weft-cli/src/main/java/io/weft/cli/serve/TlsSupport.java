package io.weft.cli.serve;

import io.weft.internal.loop.Loop;
import io.weft.internal.net.tls.TlsLayer;
import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Where the server commands get TLS from: the one adapter between {@code --tls},
 * {@code --cert}, {@code --key} and Weft's TLS layer.
 *
 * <p>Two places to revisit when Weft's TLS lands: {@link #requireAvailable()} probes whether the
 * TLS layer in this build works at all (while it is a placeholder it throws
 * {@link UnsupportedOperationException}, and {@code --tls} must fail at start with a clear
 * message instead of on the first connection); and {@link #selfSigned} should call Weft's
 * self-signed certificate helper instead of {@link SelfSigned}.
 *
 * <p>Threads: any thread that is not an event loop's; the methods block (the probe opens and
 * closes a loop, a self-signed certificate takes a {@code keytool} run).
 */
public final class TlsSupport {
    private TlsSupport() {
    }

    /** Whether this build of Weft can serve TLS. */
    public static boolean available() {
        try {
            requireAvailable();
            return true;
        } catch (StartException e) {
            return false;
        }
    }

    /** Fails with a message for the terminal when this build of Weft cannot serve TLS. */
    public static void requireAvailable() throws StartException {
        EventLoop loop = EventLoop.create();
        try {
            TlsLayer.server(Loop.of(loop), new Protocol() {
                @Override
                public void connectionMade(Transport transport) {
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                }
            }, TlsOptions.builder(SSLContext.getDefault()).build());
        } catch (UnsupportedOperationException e) {
            throw new StartException("--tls is not available: this build of Weft has no TLS layer yet ("
                    + e.getMessage() + ")", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new StartException("--tls is not available: the TLS layer does not start: " + e, e);
        } finally {
            loop.close();
        }
    }

    /** Server TLS with the certificate chain and key in these PEM files. */
    public static Made fromPem(Path certFile, Path keyFile) throws StartException {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        PemFiles.requireMatch(key, chain.getFirst(), keyFile, certFile);
        char[] password = SelfSigned.randomPassword();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("weft", key, password, chain.toArray(new X509Certificate[0]));
            return new Made(options(ks, password), "certificate " + certFile);
        } catch (GeneralSecurityException | IOException e) {
            throw new StartException("cannot use " + certFile + " and " + keyFile + ": " + e, e);
        }
    }

    /** Server TLS with a self-signed certificate made now for {@code host}. */
    public static Made selfSigned(String host) throws StartException {
        char[] password = SelfSigned.randomPassword();
        KeyStore ks = SelfSigned.make(host, password);
        return new Made(options(ks, password), "self-signed certificate for " + host);
    }

    private static TlsOptions options(KeyStore ks, char[] password) throws StartException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return TlsOptions.builder(context).build();
        } catch (GeneralSecurityException e) {
            throw new StartException("cannot set up TLS: " + e, e);
        }
    }

    /**
     * TLS options and what they were made from, for the "listening on" line.
     *
     * @param options     for {@link io.weft.net.ServerOptions.Builder#tls}
     * @param description e.g. {@code self-signed certificate for localhost}
     */
    public record Made(TlsOptions options, String description) {
    }
}
