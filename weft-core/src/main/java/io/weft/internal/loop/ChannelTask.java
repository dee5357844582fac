package io.weft.internal.loop;

import io.weft.internal.dispatch.Task;
import java.nio.channels.SelectableChannel;

/**
 * A reader or writer callback made by {@code addReader}/{@code addWriter}: it stays registered
 * and runs on every turn that finds its channel ready, until cancelled. Cancelling from any
 * thread removes it from the driver on the loop thread.
 */
final class ChannelTask extends Task {
    private final ChannelReadiness owner;
    final SelectableChannel channel;
    final boolean reader;

    ChannelTask(ChannelReadiness owner, SelectableChannel channel, boolean reader, Runnable callback, String callSite) {
        super(callback, callSite);
        this.owner = owner;
        this.channel = channel;
        this.reader = reader;
    }

    @Override
    public void cancel() {
        if (isCancelled()) {
            return;
        }
        markCancelled();
        owner.cancelled(this);
    }

    @Override
    public String describe() {
        return (reader ? "reader " : "writer ") + super.describe() + " for " + channel;
    }
}
