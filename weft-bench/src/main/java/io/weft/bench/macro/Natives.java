package io.weft.bench.macro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The suite's non-Java programs, built on this machine at bench time from the sources the jar
 * carries: the load generator and the C floor (gcc), the Go peer (go build). A program whose
 * source did not change since the last build is not rebuilt.
 *
 * @param loadgen   the load generator (required: without gcc there is no suite)
 * @param echoEpoll the C floor, or null with {@code cSkip} saying why
 * @param goEcho    the Go peer, or null with {@code goSkip} saying why
 * @param nodeEcho  the Node peer's script, or null with {@code nodeSkip} saying why
 */
record Natives(Path loadgen, Path echoEpoll, String cSkip, Path goEcho, String goSkip, Path nodeEcho, String nodeSkip,
        String gccVersion, String goVersion, String nodeVersion) {

    private static final String RESOURCES = "/io/weft/bench/macro/native/";

    /** Builds what it can into {@code dir}; throws if the load generator cannot be built. */
    static Natives prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("loadgen.c", "histogram.h", "echo_epoll.c", "echo.go", "echo.js")) {
            extract(f, dir);
        }
        if (!Exec.onPath("gcc")) {
            throw new IOException("gcc is not on PATH: the load generator is C, compiled at bench time"
                    + " (Debian/Ubuntu: apt-get install gcc)");
        }
        String gcc = Exec.run(List.of("gcc", "--version"), dir, 30).firstLine();
        String failure = compileC(dir, "loadgen.c", "loadgen");
        if (failure != null) {
            throw new IOException("could not build the load generator: " + failure);
        }
        String cSkip = compileC(dir, "echo_epoll.c", "echo_epoll");
        Path echoEpoll = cSkip == null ? dir.resolve("echo_epoll") : null;

        Path goEcho = null;
        String goSkip;
        String goVersion = null;
        if (!Exec.onPath("go")) {
            goSkip = "go is not on PATH (Debian/Ubuntu: apt-get install golang-go)";
        } else {
            goVersion = Exec.run(List.of("go", "version"), dir, 30).firstLine();
            goSkip = build(dir, "echo.go", "echo-go", List.of("go", "build", "-o", "echo-go", "echo.go"), 300);
            if (goSkip == null) {
                goEcho = dir.resolve("echo-go");
            }
        }

        Path nodeEcho = null;
        String nodeSkip = null;
        String nodeVersion = null;
        if (!Exec.onPath("node")) {
            nodeSkip = "node is not on PATH (Debian/Ubuntu: apt-get install nodejs)";
        } else {
            nodeVersion = Exec.run(List.of("node", "--version"), dir, 30).firstLine();
            nodeEcho = dir.resolve("echo.js");
        }
        return new Natives(dir.resolve("loadgen"), echoEpoll, cSkip, goEcho, goSkip, nodeEcho, nodeSkip, gcc, goVersion,
                nodeVersion);
    }

    private static String compileC(Path dir, String source, String binary) {
        return build(dir, source, binary, List.of("gcc", "-O2", "-Wall", "-o", binary, source), 120);
    }

    /**
     * Runs {@code command} unless {@code binary} was built from this very source (a copy of the
     * source is kept beside it). Returns null on success, else why it failed.
     */
    private static String build(Path dir, String source, String binary, List<String> command, long timeout) {
        try {
            Path src = dir.resolve(source);
            Path built = dir.resolve(binary + ".src");
            byte[] now = Files.readAllBytes(src);
            if (Files.isExecutable(dir.resolve(binary)) && Files.exists(built)
                    && Arrays.equals(now, Files.readAllBytes(built))) {
                return null;
            }
            Exec.Outcome o = Exec.run(command, dir, timeout);
            if (!o.ok()) {
                return String.join(" ", command) + " failed: " + o.output().strip();
            }
            Files.write(built, now);
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void extract(String name, Path dir) throws IOException {
        try (InputStream in = Natives.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("the jar lacks " + RESOURCES + name);
            }
            byte[] bytes = in.readAllBytes();
            Path target = dir.resolve(name);
            // Rewrite only on change, so that the file's age keeps meaning something.
            if (!Files.exists(target) || !Arrays.equals(bytes, Files.readAllBytes(target))) {
                Files.write(target, bytes);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
