package io.weft.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate made at start, for {@code --tls} without {@code --cert}/{@code --key}.
 *
 * <p>Interim: the JDK has no public API that makes certificates, so this runs the JDK's own
 * {@code keytool} (from {@code java.home}) into a temporary PKCS#12 file, loads it and deletes
 * it. When Weft's TLS work brings its self-signed certificate helper, {@link TlsSupport} should
 * call that instead and this class can go.
 */
final class SelfSigned {
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private SelfSigned() {
    }

    /**
     * A key store holding one EC key and a certificate valid for 30 days, for {@code host},
     * {@code localhost}, 127.0.0.1 and ::1.
     *
     * @param password what protects the store and its key (callers make one up)
     */
    static KeyStore make(String host, char[] password) throws StartException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new StartException("cannot make a self-signed certificate: no keytool at " + keytool
                    + "; pass --cert FILE --key FILE instead");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("weft-tls");
            Path store = dir.resolve("self-signed.p12"); // keytool refuses a file that exists but is empty
            List<String> cmd = List.of(keytool.toString(), "-genkeypair", "-alias", "weft",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=" + host.replace(",", "\\,"), "-ext", "SAN=" + subjectAltNames(host),
                    "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", new String(password), "-keypass", new String(password), "-noprompt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new StartException("keytool could not make a self-signed certificate: "
                        + new String(output, StandardCharsets.UTF_8).strip() + "; pass --cert FILE --key FILE instead");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartException("cannot make a self-signed certificate: " + e + "; pass --cert FILE --key FILE instead", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while making a self-signed certificate", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** A password nobody needs to know: the store lives in memory once loaded. */
    static char[] randomPassword() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b).toCharArray();
    }

    private static String subjectAltNames(String host) {
        List<String> names = new ArrayList<>(List.of("dns:localhost", "ip:127.0.0.1", "ip:0:0:0:0:0:0:0:1"));
        String entry = isAddress(host) ? "ip:" + host : "dns:" + host;
        if (!host.equals("localhost") && !names.contains(entry) && !host.equals("0.0.0.0") && !host.equals("::")) {
            names.add(entry);
        }
        return String.join(",", names);
    }

    private static boolean isAddress(String host) {
        if (host.contains(":")) {
            return true;
        }
        try {
            // Only literal addresses: a name would be looked up, and that is not wanted here.
            return host.matches("[0-9.]+") && InetAddress.getByName(host) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
