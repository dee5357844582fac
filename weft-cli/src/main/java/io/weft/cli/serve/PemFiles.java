package io.weft.cli.serve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a certificate chain and a private key from PEM files, as {@code openssl} writes them:
 * {@code --cert} holds one or more {@code CERTIFICATE} blocks (the server's first), {@code --key}
 * an unencrypted PKCS#8 {@code PRIVATE KEY} (RSA, EC or Ed25519). Every failure says which file
 * and what to do about it.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private PemFiles() {
    }

    static List<X509Certificate> certificates(Path file) throws StartException {
        String text = new String(read(file, "certificate"), StandardCharsets.US_ASCII);
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new StartException("cannot read the certificate in " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new StartException(file + " holds no certificate: expected a PEM file with -----BEGIN CERTIFICATE-----");
        }
        return out;
    }

    static PrivateKey privateKey(Path file) throws StartException {
        String text = new String(read(file, "key"), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return decode(file, Base64.getMimeDecoder().decode(m.group(2)));
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new StartException(file + " holds a " + type
                        + " (PKCS#1/SEC1); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in "
                        + file + " -out key.pem");
                case "ENCRYPTED PRIVATE KEY" -> throw new StartException(file + " holds an encrypted key; decrypt it with: "
                        + "openssl pkcs8 -in " + file + " -out key.pem");
                default -> {
                    // another block (parameters, a certificate): keep looking
                }
            }
        }
        throw new StartException(file + " holds no private key: expected a PEM file with -----BEGIN PRIVATE KEY-----");
    }

    private static PrivateKey decode(Path file, byte[] pkcs8) throws StartException {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
                // not this algorithm: try the next
            }
        }
        throw new StartException("cannot read the private key in " + file + ": not an RSA, EC or EdDSA key in PKCS#8 form");
    }

    /**
     * Checks that {@code key} belongs to {@code cert} by signing with one and verifying with the
     * other, so that a mix-up is reported at start and not as a failed handshake later.
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
        PublicKey pub = cert.getPublicKey();
        boolean ok;
        try {
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] sig = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(pub);
            verify.update(probe);
            ok = verify.verify(sig);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new StartException("the key in " + keyFile + " does not belong to the certificate in " + certFile);
        }
    }

    private static byte[] read(Path file, String what) throws StartException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StartException("cannot read the " + what + " file " + file + ": " + e, e);
        }
    }
}
