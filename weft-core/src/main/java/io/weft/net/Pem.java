package io.weft.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Reads and writes keys and certificates in PEM form (RFC 7468), as {@code openssl} and most
 * servers keep them: certificate chains ({@code BEGIN CERTIFICATE}) and unencrypted PKCS#8
 * private keys ({@code BEGIN PRIVATE KEY}). Any thread.
 */
public final class Pem {
    private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "RSASSA-PSS", "Ed25519", "Ed448", "DSA"};

    private Pem() {
    }

    /** A server context from a certificate chain file (leaf first) and its PKCS#8 key file. */
    public static SSLContext serverContext(Path certificateChain, Path privateKey) throws IOException {
        List<X509Certificate> chain = readCertificates(certificateChain);
        PrivateKey key = readPrivateKey(privateKey);
        try {
            return TlsContexts.of(key, chain, null);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot use " + privateKey + " with " + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** A client context that trusts exactly the certificates in {@code trusted}. */
    public static SSLContext clientContext(Path trusted) throws IOException {
        return TlsContexts.trusting(readCertificates(trusted));
    }

    /** Every {@code CERTIFICATE} block of the file, in order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        return certificates(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
    }

    /**
     * Every {@code CERTIFICATE} block of {@code text}, in order: PEM that comes from somewhere
     * other than a file (a secret store, an environment variable, a resource).
     */
    public static List<X509Certificate> parseCertificates(String text) throws IOException {
        return certificates(text, "the given text");
    }

    private static List<X509Certificate> certificates(String text, String source) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(text, "CERTIFICATE")) {
                out.add(certificate(f, der, source));
            }
        } catch (CertificateException e) {
            throw new IOException("bad certificate in " + source + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException("no '-----BEGIN CERTIFICATE-----' block in " + source);
        }
        return out;
    }

    /**
     * One DER certificate. The JDK's X.509 parser throws unchecked exceptions on some malformed
     * DER (an ArrayIndexOutOfBoundsException, found by PemFuzzTest): those are bad input too, and
     * get the same typed error as a CertificateException.
     */
    private static X509Certificate certificate(CertificateFactory f, byte[] der, String source) throws IOException,
            CertificateException {
        try {
            return (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der));
        } catch (RuntimeException e) {
            throw new IOException("bad certificate in " + source + ": the DER does not parse (" + e + ")", e);
        }
    }

    /** The unencrypted PKCS#8 private key in the file (EC, RSA, EdDSA...). */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return privateKey(Files.readString(file, StandardCharsets.ISO_8859_1), file);
    }

    /** The unencrypted PKCS#8 private key in {@code text}, for PEM that is not in a file. */
    public static PrivateKey parsePrivateKey(String text) throws IOException {
        return privateKey(text, null);
    }

    /** {@code file} is where the text came from, or null. */
    private static PrivateKey privateKey(String text, Path file) throws IOException {
        String source = file != null ? file.toString() : "the given text";
        String in = file != null ? file.toString() : "FILE";
        for (String legacy : new String[] {"RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"}) {
            if (text.contains("-----BEGIN " + legacy + "-----")) {
                throw new IOException(source + " holds a '" + legacy + "' (a pre-PKCS#8 format); convert it with"
                        + " 'openssl pkcs8 -topk8 -nocrypt -in " + in + " -out key.pk8.pem'");
            }
        }
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new IOException(source + " holds an encrypted key; decrypt it with"
                    + " 'openssl pkcs8 -in " + in + " -out key.pk8.pem'");
        }
        List<byte[]> keys = blocks(text, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new IOException("expected one '-----BEGIN PRIVATE KEY-----' block in " + source + ", found " + keys.size());
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException notThisOne) {
                // the spec does not say its algorithm: try the next (the JDK's DER parsers can
                // also throw unchecked exceptions on malformed input; that is bad input too)
            }
        }
        throw new IOException("the private key in " + source + " is not an EC, RSA, EdDSA or DSA PKCS#8 key");
    }

    /** The certificate as a PEM block. */
    public static String encode(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The key as an unencrypted PKCS#8 PEM block. Keep what you write with it private. */
    public static String encode(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("key format " + key.getFormat() + " is not PKCS#8");
        }
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.ISO_8859_1)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static List<byte[]> blocks(String text, String label) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int b = text.indexOf(begin, from);
            if (b < 0) {
                return out;
            }
            // From after the BEGIN line: "-----BEGIN X-----END X-----" must not find an END
            // inside the BEGIN marker's own dashes (found by PemFuzzTest).
            int e = text.indexOf(end, b + begin.length());
            if (e < 0) {
                throw new IOException("'" + begin + "' without '" + end + "'");
            }
            try {
                out.add(Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e)));
            } catch (IllegalArgumentException bad) {
                throw new IOException("bad base64 in a " + label + " block: " + bad.getMessage(), bad);
            }
            from = e + end.length();
        }
    }
}
