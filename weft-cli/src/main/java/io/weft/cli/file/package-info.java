/**
 * The file commands and demos: {@code weft copy SRC DST} (async positional reads and writes,
 * several in flight), {@code weft demo read-file PATH} ({@code AsyncFile.readAll} beside
 * {@code cat PATH > /dev/null}, with rates, CPU and SHA-256) and {@code weft demo list-files DIR}
 * (listing and stat'ing thousands of files while a timer measures how late the loop runs).
 */
package io.weft.cli.file;
