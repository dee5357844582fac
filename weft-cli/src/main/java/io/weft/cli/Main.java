package io.weft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code weft} command: the entry point of the runnable jar and of the {@code ./weft}
 * launcher. It only parses the command line and hands over to a subcommand; the subcommands
 * are listed in {@link Commands}.
 *
 * <p>Exit codes: what the subcommand returns (0 on success), 1 when it throws, 2 for a command
 * line that does not parse (picocli's conventions).
 */
@Command(
        name = "weft",
        mixinStandardHelpOptions = true,
        versionProvider = WeftVersion.class,
        description = "Weft: asynchronous I/O for Java.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'weft help COMMAND' for the options of one command.",
                "Set WEFT_DEBUG=1 to run every event loop in debug mode."})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Runs {@code weft} with {@code args} and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * A fresh {@code weft} command line with every subcommand registered. Tests call
     * {@link CommandLine#execute} on it after redirecting its output with
     * {@link CommandLine#setOut}/{@link CommandLine#setErr}.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        Commands.registerAll(cli);
        return cli;
    }

    /** {@code weft} without a command: say so, show the usage, exit 2. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
