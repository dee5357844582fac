/**
 * {@code weft chat}: a line-based chat server that {@code nc}, {@code telnet} and {@code socat}
 * can talk to, written in callback style ({@link io.weft.cli.chat.ChatMember}) and with green
 * threads ({@link io.weft.cli.chat.GreenChat}) in front of the same room, on one loop or on
 * several, each holding its share of the room ({@link io.weft.cli.chat.RoomShares}). It shows what a server must do about clients that
 * misbehave: one that stops reading is dropped once its pending output passes a limit, without
 * slowing anyone else; an endless line is refused without being buffered; an idle client is
 * dropped. {@link io.weft.cli.chat.ChatServer} is the server with a start/stop API;
 * {@link io.weft.cli.chat.ChatRoom} holds a share of the room's state on its loop thread;
 * {@link io.weft.cli.chat.ChatCommand} only parses flags.
 */
package io.weft.cli.chat;
