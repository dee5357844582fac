package io.weft.cli.chat;

/**
 * What a chat server has done so far.
 *
 * @param connections clients that connected
 * @param online      clients in the room now
 * @param lines       lines relayed from one client to the others
 * @param slowDropped clients dropped for not reading (over the pending-output limit)
 * @param idleDropped clients dropped for sending nothing for the idle timeout
 */
public record ChatStats(long connections, int online, long lines, long slowDropped, long idleDropped) {
}
