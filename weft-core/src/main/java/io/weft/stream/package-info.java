/**
 * Streams, for code written with futures: a connection as a {@link io.weft.stream.StreamReader}
 * whose reads return promises ({@code read}, {@code readExactly}, {@code readLine},
 * {@code readUntil}) and a {@link io.weft.stream.StreamWriter} with {@code drain()} for flow
 * control. {@link io.weft.stream.Streams} connects and serves; underneath are the transports of
 * {@link io.weft.net}.
 */
package io.weft.stream;
