package io.weft.cli.serve;

/**
 * A command that runs a server in the foreground until SIGINT or SIGTERM. Tests and programs
 * that run such a command in-process stop it with {@link #requestStop()} instead of a signal.
 */
public interface ServerCommand {

    /** Stops the server gracefully, as SIGTERM would; the command then prints its summary and returns 0. Any thread. */
    void requestStop();
}
