package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * PEM reading on any content: it either gives what was asked for (at least one certificate;
 * one key) or fails with an {@link IOException} that says what is wrong, never with another
 * exception; and a certificate it read, written back with {@link Pem#encode}, reads back equal.
 *
 * <p>In a plain build this runs the inputs under {@code PemFuzzTestInputs/}; to fuzz, see
 * {@code tools/fuzz.sh}.
 */
class PemFuzzTest {
    @FuzzTest
    @DictionaryEntries({"-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN "})
    void readCertificates(byte[] content) throws IOException {
        // In memory: a file per input would bound the run by the file system, not the parser
        // (Pem.readCertificates(Path) reads the file and parses the same way).
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<X509Certificate> certificates;
        try {
            certificates = Pem.parseCertificates(text);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).as("a failure says why").isNotBlank();
            return;
        }
        assertThat(certificates).isNotEmpty();
        for (X509Certificate c : certificates) {
            assertThat(Pem.parseCertificates(Pem.encode(c))).containsExactly(c);
        }
    }

    @FuzzTest
    @DictionaryEntries({"-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "-----BEGIN ",
            "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----"})
    void readPrivateKey(byte[] content) throws IOException {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        PrivateKey key;
        try {
            key = Pem.parsePrivateKey(text);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).as("a failure says why").isNotBlank();
            return;
        }
        assertThat(key.getFormat()).isEqualTo("PKCS#8");
        assertThat(Pem.parsePrivateKey(Pem.encode(key)).getEncoded()).isEqualTo(key.getEncoded());
    }
}
