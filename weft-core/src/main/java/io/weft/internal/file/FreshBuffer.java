package io.weft.internal.file;

import java.nio.ByteBuffer;

/**
 * A large buffer made for one whole-file read ({@link FileIo#allocate}), and how to give its
 * memory back early: {@link #free()} unmaps it at once, for a read that failed or was cancelled
 * so that nobody will ever see the buffer. A buffer that was handed to a caller is never freed
 * this way; its memory goes back when it becomes unreachable, as a direct buffer's does.
 *
 * <p>{@code free} may be called once, only when nothing reads or writes the buffer any more
 * (every read into it has settled); later access to the buffer would crash the JVM.
 */
public record FreshBuffer(ByteBuffer buffer, Runnable release) {
    /** Gives the memory back now (for a buffer from the JDK's allocator: nothing to do but drop it). */
    public void free() {
        release.run();
    }
}
