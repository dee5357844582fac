package io.weft.cli.http.get;

import io.weft.cli.WeftVersion;
import io.weft.http.client.ClientOptions;
import io.weft.http.client.HttpClient;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weft get URL... [-o DIR] [--parallel N]}: downloads every URL into DIR at once on one
 * loop. Exit codes: 0 when every file arrived whole, 1 when any failed (each named on stderr),
 * 2 for bad flags or URLs.
 */
@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Download files over HTTP/1.1 or https, many at once on one event loop.",
                "Shows a progress bar per file on a terminal, plain lines otherwise; resumes partial files with Range."})
public final class GetCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "URL", description = "http:// or https:// URLs to fetch.")
    List<String> urls;

    @Option(names = {"-o", "--output"}, defaultValue = ".", paramLabel = "DIR", description = "Where to put the files (default: the current directory).")
    Path dir;

    @Option(names = "--parallel", defaultValue = "8", paramLabel = "N", description = "Downloads at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--plain", description = "Plain lines even on a terminal.")
    boolean plain;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be at least 1, not " + parallel);
        }
        List<Download> downloads = plan();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            err.println("weft get: cannot create " + dir + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        boolean terminal = !plain && System.console() != null && System.console().isTerminal();
        Progress progress = new Progress(out, terminal);
        ClientOptions options = ClientOptions.builder().maxConnectionsPerHost(parallel).maxConnections(Math.max(parallel, 6)).build();
        long start = System.nanoTime();
        List<Download> result;
        try (EventLoop loop = EventLoop.start(LoopConfig.builder().threadName("weft-get").build())) {
            CompletableFuture<List<Download>> finished = new CompletableFuture<>();
            loop.execute(() -> new Downloads(loop, HttpClient.create(loop, options), downloads, parallel, progress).run()
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            finished.completeExceptionally(e);
                        } else {
                            finished.complete(r);
                        }
                    }));
            try {
                result = finished.get();
            } catch (ExecutionException e) {
                err.println("weft get: " + e.getCause());
                err.flush();
                return 1;
            }
        }
        long bytes = 0;
        List<Download> failed = new ArrayList<>();
        for (Download d : result) {
            bytes += d.received;
            if (d.state != Download.State.DONE) {
                failed.add(d);
            }
        }
        out.println("weft get: " + (result.size() - failed.size()) + " of " + result.size() + " files, "
                + Progress.bytes(bytes) + " in " + Progress.seconds(System.nanoTime() - start));
        out.flush();
        for (Download d : failed) {
            err.println("weft get: failed: " + d.uri + " (" + d.failure + ")");
        }
        err.flush();
        return failed.isEmpty() ? 0 : 1;
    }

    /** Each URL's file: the last path segment, decoded (index.html for none), made unique. */
    private List<Download> plan() {
        List<Download> list = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String u : urls) {
            URI uri;
            try {
                uri = new URI(u);
            } catch (URISyntaxException e) {
                throw new ParameterException(spec.commandLine(), "not a URL: " + u + " (" + e.getReason() + ")");
            }
            String scheme = uri.getScheme();
            if (scheme == null || !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https") || uri.getHost() == null) {
                throw new ParameterException(spec.commandLine(), "not an http:// or https:// URL: " + u);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            String last = path.substring(path.lastIndexOf('/') + 1);
            String name = URLDecoder.decode(last, StandardCharsets.UTF_8).replace('/', '_').replace('\\', '_');
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                name = "index.html";
            }
            String unique = name;
            for (int i = 2; !names.add(unique); i++) {
                unique = name + "." + i;
            }
            list.add(new Download(uri, dir.resolve(unique)));
        }
        return list;
    }
}
