/**
 * The event loop: {@link io.weft.loop.EventLoop}, its configuration
 * ({@link io.weft.loop.LoopConfig}) and the handles of what it schedules. Start here.
 */
package io.weft.loop;
