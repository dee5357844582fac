package io.weft.cli.demo;

import io.weft.cli.WeftVersion;
import picocli.CommandLine.Command;

/** {@code weft demo}: experiments that show how the loop behaves. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = "Experiments that show how the event loop behaves.",
        subcommands = {BusyLoopDemo.class})
public final class DemoCommand {
}
