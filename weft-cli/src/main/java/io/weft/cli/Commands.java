package io.weft.cli;

import io.weft.cli.chat.ChatCommand;
import io.weft.cli.demo.DemoCommand;
import io.weft.cli.echo.EchoCommand;
import io.weft.cli.file.CopyCommand;
import io.weft.cli.http.get.GetCommand;
import io.weft.cli.http.serve.ServeCommand;
import io.weft.cli.info.InfoCommand;
import io.weft.cli.sim.SimCommand;
import java.util.List;
import picocli.CommandLine;

/**
 * The registry of {@code weft}'s subcommands: the one list to add a command to. Each entry is a
 * class annotated with picocli's {@code @Command}; the order here is the order of
 * {@code weft --help}. A command that takes {@code mixinStandardHelpOptions} should also name
 * {@code versionProvider = WeftVersion.class}, or its {@code --version} prints nothing.
 */
final class Commands {

    /** Every subcommand, in the order the help lists them. */
    static final List<Class<?>> ALL = List.of(
            InfoCommand.class,
            EchoCommand.class,
            ChatCommand.class,
            DemoCommand.class,
            CopyCommand.class,
            ServeCommand.class,
            GetCommand.class,
            SimCommand.class,
            io.weft.cli.proxy.ProxyCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class);

    private Commands() {
    }

    static void registerAll(CommandLine cli) {
        for (Class<?> command : ALL) {
            cli.addSubcommand(command);
        }
    }
}
