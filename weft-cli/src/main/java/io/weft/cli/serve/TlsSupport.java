package io.weft.cli.serve;

import io.weft.net.Pem;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.TlsContexts;
import io.weft.net.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the server commands get TLS from: {@code --tls} with a self-signed certificate made at
 * start ({@link SelfSignedCertificate}), or {@code --tls --cert FILE --key FILE} with PEM files
 * ({@link Pem}). Every failure becomes a {@link StartException} that names the file and says
 * what to do, so a command prints one line instead of a stack trace.
 *
 * <p>Threads: any thread that is not an event loop's; making a certificate runs {@code keytool}
 * and takes a second or so.
 */
public final class TlsSupport {
    private TlsSupport() {
    }

    /**
     * TLS options and what they were made from, for the "listening on" line.
     *
     * @param options     for {@link io.weft.net.ServerOptions.Builder#tls}
     * @param description e.g. {@code a self-signed certificate for localhost}
     */
    public record Made(TlsOptions options, String description) {
    }

    /**
     * Server TLS with a self-signed certificate made now, valid for {@code host} (unless it is a
     * wildcard address), {@code localhost}, 127.0.0.1 and ::1.
     */
    public static Made selfSigned(String host) throws StartException {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        if (!names.contains(host) && !host.equals("0.0.0.0") && !host.equals("::")) {
            names.addFirst(host); // the first name is also the certificate's common name
        }
        try {
            SelfSignedCertificate cert = SelfSignedCertificate.create(names.toArray(String[]::new));
            return new Made(cert.serverOptions(), "a self-signed certificate for " + String.join(", ", names));
        } catch (IOException | IllegalArgumentException e) {
            throw new StartException("cannot make a self-signed certificate: " + e.getMessage()
                    + "; pass --cert FILE --key FILE instead", e);
        }
    }

    /** Server TLS with the certificate chain (leaf first) and the PKCS#8 key in these PEM files. */
    public static Made fromPem(Path certFile, Path keyFile) throws StartException {
        try {
            List<X509Certificate> chain = Pem.readCertificates(certFile);
            PrivateKey key = Pem.readPrivateKey(keyFile);
            requireMatch(key, chain.getFirst(), keyFile, certFile);
            return new Made(TlsOptions.builder(TlsContexts.of(key, chain, null)).build(), "certificate " + certFile);
        } catch (NoSuchFileException e) {
            throw new StartException("cannot read " + e.getFile() + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new StartException("cannot read " + e.getFile() + ": permission denied", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartException(e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code key} belongs to {@code cert} by signing with one and verifying with the
     * other: a mix-up is then reported at start, naming both files, and not as a failed
     * handshake on every connection later.
     */
    static void requireMatch(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) throws StartException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null; // nothing simple to check with: the handshake will tell
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "weft key check".getBytes(StandardCharsets.US_ASCII);
        boolean ok;
        try {
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            ok = verify.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new StartException("the key in " + keyFile + " does not belong to the certificate in " + certFile);
        }
    }
}
