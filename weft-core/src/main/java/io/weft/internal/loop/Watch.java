package io.weft.internal.loop;

import io.weft.internal.poll.PollKey;
import io.weft.internal.poll.Poller;
import java.nio.channels.SelectableChannel;

/** One channel's reader and writer callbacks, and its registration with the poller. */
final class Watch {
    final SelectableChannel channel;
    PollKey key;
    IoTask reader;
    IoTask writer;

    Watch(SelectableChannel channel) {
        this.channel = channel;
    }

    int interest() {
        return (reader != null ? Poller.READ : 0) | (writer != null ? Poller.WRITE : 0);
    }

    /** A reader or writer callback: it stays registered and runs on every readiness. */
    static final class IoTask extends Task {
        private final Loop loop;
        private final Watch watch;
        private final boolean reader;

        IoTask(Loop loop, Watch watch, boolean reader, Runnable callback, String callSite) {
            super(callback, callSite);
            this.loop = loop;
            this.watch = watch;
            this.reader = reader;
        }

        @Override
        public void cancel() {
            if (isCancelled()) {
                return;
            }
            markCancelled();
            loop.ioTaskCancelled(watch, this, reader);
        }

        @Override
        String describe() {
            return (reader ? "reader " : "writer ") + super.describe() + " for " + watch.channel;
        }
    }
}
