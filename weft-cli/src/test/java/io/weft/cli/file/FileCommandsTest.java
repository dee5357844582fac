package io.weft.cli.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code weft copy}, {@code weft demo read-file} and {@code weft demo list-files}, run in-process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileCommandsTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Path randomFile(String name, int size) throws Exception {
        byte[] b = new byte[size];
        new SplittableRandom(size).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    @Test
    void copyMakesAnIdenticalFileEveryWay() throws Exception {
        Path src = randomFile("src.bin", 9 * 1024 * 1024 + 17); // several chunks and a short last one
        for (String mode : new String[] {"--fsync", "--read-write", "--zero-copy"}) { // --fsync: the default way
            Path dst = dir.resolve("dst" + mode.replaceAll("\\W", ""));
            Run r = run("copy", mode, src.toString(), dst.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("copied " + src + " to " + dst).contains("GB/s");
            assertThat(Files.mismatch(src, dst)).as(mode).isEqualTo(-1);
        }
    }

    @Test
    void copyOfAMissingFileSaysSo() {
        Path missing = dir.resolve("missing");
        Run r = run("copy", missing.toString(), dir.resolve("x").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("copy " + missing + ": no such file or directory");
    }

    @Test
    void readFilePrintsWeftsLineWithTheHashThenCats() throws Exception {
        Path f = randomFile("r.bin", 3 * 1024 * 1024);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        Run r = run("demo", "read-file", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).startsWith("weft").contains("3,145,728 bytes").contains("sha256 " + sha);
        assertThat(lines[1]).startsWith("cat").contains("3,145,728 bytes").contains("GB/s");
    }

    @Test
    void listFilesStatsEveryEntryAndReportsTheTimerLag() {
        Path d = dir.resolve("many");
        Run r = run("demo", "list-files", d.toString(), "--create", "300", "--clean");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("listed and stat'ed 300 entries in").contains("with listStats").contains("timer lag while working")
                .contains("idle (baseline)");
        assertThat(d.toFile().list()).isEmpty();
        Run perEntry = run("demo", "list-files", d.toString(), "--create", "300", "--clean", "--per-entry");
        assertThat(perEntry.exit()).as(perEntry.err()).isZero();
        assertThat(perEntry.out()).contains("listed 300 entries").contains("stat'ed them");
        assertThat(d.toFile().list()).isEmpty();
    }
}
