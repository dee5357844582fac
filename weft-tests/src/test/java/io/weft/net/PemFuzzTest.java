package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * PEM reading on any file content: it either gives what was asked for (at least one certificate;
 * one key) or fails with an {@link IOException} that says what is wrong, never with another
 * exception; and a certificate it read, written back with {@link Pem#encode}, reads back equal.
 *
 * <p>In a plain build this runs the inputs under {@code PemFuzzTestInputs/}; to fuzz, see
 * {@code tools/fuzz.sh}.
 */
class PemFuzzTest {
    private static Path file;

    private static synchronized Path file(byte[] content) throws IOException {
        if (file == null) {
            file = Files.createTempFile("weft-pem-fuzz", ".pem");
        }
        Files.write(file, content);
        return file;
    }

    @AfterAll
    static synchronized void deleteFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
            file = null;
        }
    }

    @FuzzTest
    @DictionaryEntries({"-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN "})
    void readCertificates(byte[] content) throws IOException {
        Path f = file(content);
        List<X509Certificate> certificates;
        try {
            certificates = Pem.readCertificates(f);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).as("a failure says why").isNotBlank();
            return;
        }
        assertThat(certificates).isNotEmpty();
        for (X509Certificate c : certificates) {
            Path again = file(Pem.encode(c).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(Pem.readCertificates(again)).containsExactly(c);
        }
    }

    @FuzzTest
    @DictionaryEntries({"-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "-----BEGIN ",
            "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----"})
    void readPrivateKey(byte[] content) throws IOException {
        Path f = file(content);
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(f);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).as("a failure says why").isNotBlank();
            return;
        }
        assertThat(key.getFormat()).isEqualTo("PKCS#8");
        Path again = file(Pem.encode(key).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(Pem.readPrivateKey(again).getEncoded()).isEqualTo(key.getEncoded());
    }
}
