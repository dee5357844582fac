/**
 * The Weft side of the sendFile benchmark ({@code weft-bench/files/run-sendfile.sh}): a server
 * that answers every connection with one file, zero copy or through the copy loop.
 */
package io.weft.bench.sendfile;
