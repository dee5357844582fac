package io.weft.cli.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.testkit.FileDescriptors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./weft echo --port 0} as a real process, started through the launcher at the root of
 * the checkout and stopped with SIGTERM ({@link ProcessHandle#destroy()}), as a user would.
 *
 * <p>Runs after {@code package} (Maven's failsafe), when {@code weft-cli/target/weft.jar} is
 * fresh. If the jar is missing or older than a source file, the launcher would start a Maven
 * build of this same tree while this build runs, so the test is skipped, saying why.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoLauncherIT {
    private static final Pattern LISTENING =
            Pattern.compile("weft echo listening on 127\\.0\\.0\\.1:(\\d+) \\(poller [a-z_]+\\)");

    @Test
    void echoRunsAsAProcessAndExitsZeroWithASummaryOnSigterm() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent(); // Maven runs tests in weft-cli/
        Path launcher = root.resolve("weft");
        assumeTrue(Files.isExecutable(launcher), "no executable launcher at " + launcher);
        assumeTrue(onPath("bash"), "the launcher is a bash script and there is no bash on PATH");
        Optional<String> stale = staleJar(root);
        assumeTrue(stale.isEmpty(), () -> stale.get());
        FileDescriptors.Snapshot fdsBefore = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);

        Process p = new ProcessBuilder(launcher.toString(), "echo", "--port", "0").directory(root.toFile()).start();
        // No try-with-resources for the readers: closing a reader another thread is blocked in
        // waits for that read, so the process must be gone first (the finally block below).
        BufferedReader out = reader(p.getInputStream());
        BufferedReader err = reader(p.getErrorStream());
        try {
            // Threads of their own: the common pool may have a single worker on a small machine.
            // Each stream is read to its end by one thread while the process runs: reading what
            // is left only after the process exited can find the stream closed under it.
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(err), EchoLauncherIT::thread);
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture<Void> stdout = CompletableFuture.runAsync(() -> {
                String line;
                while ((line = readLine(out)) != null) {
                    lines.add(line);
                }
            }, EchoLauncherIT::thread);
            String first = lines.poll(60, TimeUnit.SECONDS); // the launcher may take a while to find a JDK
            Matcher m = LISTENING.matcher(String.valueOf(first));
            assertThat(m.matches()).as("first line '%s' (stderr: %s)", first, errors.getNow("")).isTrue();

            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
                s.getOutputStream().write("over the wire".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("over the wire");
            }
            // SIGTERM. Through the process handle: Process.destroy() also closes our ends of the
            // pipes, and the summary printed on the way out would be lost.
            assertThat(p.toHandle().destroy()).isTrue();

            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of SIGTERM").isTrue();
            assertThat(p.exitValue()).as("exit code after SIGTERM (stderr: %s)", errors.get()).isZero();
            stdout.get(30, TimeUnit.SECONDS);
            // By default it serves on every core: a second line says which loop took the connection.
            assertThat(String.join("\n", lines)).matches(
                    "weft echo stopped: 1 connection served, 13 bytes echoed, reading paused 0 times for slow readers"
                            + "(\nper loop: [01](, [01])+ connections)?");
            assertThat(errors.get()).isEmpty();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            out.close();
            err.close();
        }
        fdsBefore.assertNoneLeaked(Duration.ofSeconds(5));
    }

    /**
     * Why the launcher would build before running, as it decides it: the jar is missing, or a
     * pom.xml or a file under some {@code src/main} is newer than it. Empty when it would not.
     */
    private static Optional<String> staleJar(Path root) throws IOException {
        Path jar = root.resolve("weft-cli/target/weft.jar");
        if (!Files.exists(jar)) {
            return Optional.of("skipped: " + jar + " does not exist, and the launcher would run Maven inside this build;"
                    + " run 'mvn -pl weft-cli -am verify', which packages the jar before running this test");
        }
        FileTime built = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(root)) {
            return files
                    .filter(f -> !f.startsWith(root.resolve(".git")) && !f.toString().contains("/target/"))
                    .filter(f -> f.getFileName().toString().equals("pom.xml") || f.toString().contains("/src/main/"))
                    .filter(Files::isRegularFile)
                    .filter(f -> newer(f, built))
                    .findFirst()
                    .map(f -> "skipped: " + f + " is newer than " + jar + ", so the launcher would run Maven inside"
                            + " this build; run 'mvn -pl weft-cli -am verify', which packages the jar first");
        }
    }

    private static boolean newer(Path f, FileTime than) {
        try {
            return Files.getLastModifiedTime(f).compareTo(than) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void thread(Runnable r) {
        Thread.ofPlatform().daemon().start(r);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static BufferedReader reader(java.io.InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readAll(BufferedReader r) {
        StringBuilder sb = new StringBuilder();
        String line;
        while ((line = readLine(r)) != null) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }
}
