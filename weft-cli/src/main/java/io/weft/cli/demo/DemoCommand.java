package io.weft.cli.demo;

import io.weft.cli.WeftVersion;
import io.weft.cli.file.ListFilesDemo;
import io.weft.cli.file.ReadFileDemo;
import picocli.CommandLine.Command;

/** {@code weft demo}: experiments that show how the loop behaves. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = "Experiments that show how the event loop behaves.",
        subcommands = {BusyLoopDemo.class, ReadFileDemo.class, ListFilesDemo.class})
public final class DemoCommand {
}
