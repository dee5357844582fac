package io.weft.net;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds {@link SSLContext}s from keys and certificates in memory, without keystore files.
 * For files in PEM form see {@link Pem}; for tests see {@link SelfSignedCertificate}. Any thread.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * A context that presents {@code chain} (leaf first) with {@code key}, and trusts exactly
     * {@code trusted}.
     *
     * @param key     our private key, or null for a client without a certificate
     * @param chain   our certificate chain, leaf first; ignored when {@code key} is null
     * @param trusted the certificates to trust as roots, or null for the JDK's default trust store
     * @throws IllegalArgumentException if the key does not suit the chain or a certificate is unusable
     */
    public static SSLContext of(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted) {
        try {
            KeyManagerFactory kmf = null;
            if (key != null) {
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException("a private key needs its certificate chain");
                }
                char[] password = new char[0];
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", key, password, chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
            }
            TrustManagerFactory tmf = null;
            if (trusted != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (X509Certificate c : trusted) {
                    ts.setCertificateEntry("trusted-" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot make an SSLContext from this key and these certificates: "
                    + e.getMessage(), e);
        }
    }

    /** A client context trusting exactly {@code trusted}, with no certificate of its own. */
    public static SSLContext trusting(List<X509Certificate> trusted) {
        return of(null, List.of(), trusted);
    }
}
