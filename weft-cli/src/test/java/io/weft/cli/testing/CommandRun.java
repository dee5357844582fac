package io.weft.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.Main;
import io.weft.cli.serve.ServerCommand;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A {@code weft} command line run in-process on a thread of its own, as the launcher would run
 * it, with its output readable line by line while it runs. A server command is stopped with
 * {@link #stop()}, the in-process stand-in for SIGTERM.
 */
public final class CommandRun {
    private final CommandLine cli = Main.commandLine();
    private final Lines out = new Lines();
    private final Lines err = new Lines();
    private final CompletableFuture<Integer> exit;
    private final String[] args;

    private CommandRun(String... args) {
        this.args = args;
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        exit = CompletableFuture.supplyAsync(() -> cli.execute(args), r -> Thread.ofPlatform().name("weft-command").start(r));
    }

    /** Starts {@code weft args...}. */
    public static CommandRun start(String... args) {
        return new CommandRun(args);
    }

    /** Waits for the next line on stdout and checks it matches {@code regex}; returns the match. */
    public Matcher awaitLine(String regex) {
        String line = out.next();
        Matcher m = Pattern.compile(regex).matcher(line);
        assertThat(m.matches()).as("stdout line '%s' matches %s (stderr: %s)", line, regex, err.all()).isTrue();
        return m;
    }

    /** Asks the server command to stop, as SIGTERM does. */
    public void stop() {
        // The server command may be nested (weft proxy socks): follow the arguments down.
        CommandLine c = cli.getSubcommands().get(args[0]);
        for (int i = 1; i < args.length && !(c.getCommand() instanceof ServerCommand); i++) {
            CommandLine sub = c.getSubcommands().get(args[i]);
            if (sub == null) {
                break;
            }
            c = sub;
        }
        ((ServerCommand) c.getCommand()).requestStop();
    }

    /** The exit code, waiting up to 30 s for it. */
    public int exitCode() {
        try {
            return exit.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the command did not finish: " + e, e);
        }
    }

    public String stdout() {
        return out.all();
    }

    public String stderr() {
        return err.all();
    }

    /** A writer that keeps everything and hands out complete lines as they are written. */
    private static final class Lines extends Writer {
        private final StringBuilder all = new StringBuilder();
        private final StringBuilder partial = new StringBuilder();
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            all.append(buf, off, len);
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n') {
                    lines.add(partial.toString());
                    partial.setLength(0);
                } else if (c != '\r') {
                    partial.append(c);
                }
            }
        }

        String next() {
            try {
                String line = lines.poll(30, TimeUnit.SECONDS);
                assertThat(line).as("a line on stdout within 30 s; so far: %s", all()).isNotNull();
                return line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        synchronized String all() {
            return all.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
