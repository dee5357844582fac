package io.weft.cli.http.get;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.Main;
import io.weft.http.HttpServer;
import io.weft.http.HttpServerOptions;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.cli.http.serve.StaticFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code weft get} against {@code weft serve}'s handler on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GetCommandTest {
    @TempDir
    Path tmp;

    private EventLoop loop;
    private HttpServer server;
    private byte[] big;

    @BeforeEach
    void start() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        big = new byte[3 << 20];
        new Random(3).nextBytes(big);
        Files.write(site.resolve("big.bin"), big);
        Files.writeString(site.resolve("small.txt"), "small");
        loop = EventLoop.start(LoopConfig.builder().threadName("get-test").build());
        StaticFiles files = new StaticFiles(site, line -> { });
        CompletableFuture<HttpServer> s = new CompletableFuture<>();
        loop.execute(() -> HttpServer.listen(loop, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(), files)
                .whenComplete((v, e) -> s.complete(v)));
        server = s.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        loop.execute(server::close);
        loop.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run get(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "get";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cli.execute(all), out.toString(), err.toString());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Test
    void downloadsSeveralFilesAndNamesTheOneThatFailed() throws Exception {
        Path outDir = tmp.resolve("out");
        Run r = get("-o", outDir.toString(), "--parallel", "2", url("/big.bin"), url("/small.txt"), url("/missing.txt"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(Files.readAllBytes(outDir.resolve("big.bin"))).isEqualTo(big);
        assertThat(Files.readString(outDir.resolve("small.txt"))).isEqualTo("small");
        assertThat(r.out()).contains("done " + outDir.resolve("big.bin") + " " + big.length + " bytes", "2 of 3 files");
        assertThat(r.err()).contains("weft get: failed: " + url("/missing.txt") + " (HTTP 404)");
        assertThat(outDir.resolve("missing.txt")).doesNotExist();
    }

    @Test
    void resumesAPartialFileWithRange() throws Exception {
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        byte[] half = java.util.Arrays.copyOf(big, big.length / 2);
        Files.write(outDir.resolve("big.bin"), half);
        Run r = get("-o", outDir.toString(), url("/big.bin"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("resuming at " + half.length + " bytes");
        assertThat(Files.readAllBytes(outDir.resolve("big.bin"))).isEqualTo(big);
        Run again = get("-o", outDir.toString(), url("/big.bin"));
        assertThat(again.exit()).as("a whole file: 416, nothing to do").isZero();
        assertThat(Files.readAllBytes(outDir.resolve("big.bin"))).isEqualTo(big);
    }

    @Test
    void rejectsWhatIsNotAnHttpUrl() {
        assertThat(get("ftp://example.com/x").exit()).isEqualTo(2);
    }
}
