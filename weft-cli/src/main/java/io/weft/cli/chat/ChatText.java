package io.weft.cli.chat;

import io.weft.cli.serve.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Every line the chat server writes, in one place. Lines from the server start with {@code *}
 * (news) or {@code !} (an error, to one client only); lines from people start with the sender's
 * name and a colon, and no name can start with {@code *} or {@code !}. Lines end with CRLF, which
 * telnet needs and nc and socat show as plain line ends.
 */
final class ChatText {
    static final String COMMANDS = "/nick NAME, /who, /quit";

    private ChatText() {
    }

    static String welcome(String name) {
        return "* welcome to weft chat; you are " + name;
    }

    static String hint() {
        return "* type a line to talk to everyone; " + COMMANDS + " (start a line with // to send one beginning with /)";
    }

    static String said(String name, String text) {
        return name + ": " + text;
    }

    static String joined(String name) {
        return "* " + name + " joined";
    }

    static String left(String name, String why) {
        return "* " + name + " left" + (why == null ? "" : " (" + why + ")");
    }

    static String renamed(String from, String to) {
        return "* " + from + " is now " + to;
    }

    static String youAre(String name) {
        return "* you are now " + name;
    }

    static String who(List<String> names) {
        return "* " + names.size() + " here: " + String.join(", ", names);
    }

    static String bye() {
        return "* bye";
    }

    static String shuttingDown() {
        return "* the server is shutting down";
    }

    static String idle(Duration after) {
        return "! idle for " + Durations.format(after) + "; disconnecting";
    }

    static String tooLong(int maxLine) {
        return "! line too long (over " + maxLine + " bytes); not sent";
    }

    static String badName(String name) {
        return "! invalid name '" + name + "': use 1 to " + Nick.MAX_LENGTH + " letters, digits, _ or -";
    }

    static String nameTaken(String name) {
        return "! the name " + name + " is taken";
    }

    static String nickUsage() {
        return "! usage: /nick NAME";
    }

    static String unknownCommand(String command) {
        return "! unknown command /" + command + "; try " + COMMANDS;
    }

    /** {@code line} as it goes on the wire: UTF-8, CRLF. */
    static byte[] wire(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
