package io.weft.internal.sys;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the tests of the raw calls share: they skip where native access is off, get a fresh
 * {@link CallState} and a confined arena for each test (both closed after it, so a test that keeps
 * a segment past its end fails there), and fail if they leave a socket, pipe or anon inode open.
 */
@ExtendWith(SysFds.class)
@Timeout(20)
abstract class RawCallTest {
    CallState cs;
    Arena arena;

    @BeforeAll
    static void needsNative() {
        Raw.assumeNative();
    }

    @BeforeEach
    final void openCallState() {
        cs = new CallState();
        arena = Arena.ofConfined();
    }

    @AfterEach
    final void closeCallState() {
        arena.close();
        cs.close();
    }
}
