package io.weft.internal.io.readiness.poll;

import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;

/**
 * The poll(2) backend: the NIO driver over the JDK's poll(2) selector instead of its epoll one.
 *
 * <p>The JDK ships a poll(2) selector beside its epoll one but only exposes it through a
 * JVM-wide system property, which would switch every selector in the process. We create
 * that provider directly instead; its class is public but in a package java.base does not
 * export, hence the flag.
 */
public final class PollSelectors {
    private PollSelectors() {
    }

    public static SelectorProvider provider() throws IOException {
        try {
            Class<?> c = Class.forName("sun.nio.ch.PollSelectorProvider");
            return (SelectorProvider) c.getConstructor().newInstance();
        } catch (IllegalAccessException e) {
            throw new IOException("poller=poll needs the JVM flag --add-exports java.base/sun.nio.ch=ALL-UNNAMED"
                    + " (the weft launcher passes it); or use poller=nio", e);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IOException("this JDK has no poll(2) selector (sun.nio.ch.PollSelectorProvider); use poller=nio", e);
        }
    }
}
