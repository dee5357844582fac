package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The checker every other test relies on: it must accept the valid words and catch the rest. */
class CheckedProtocolTest extends NetTestSupport {

    /** Plays calls straight into a fresh checker (not registered with the teardown). */
    CheckedProtocol<Recorder> play(Consumer<CheckedProtocol<Recorder>> calls) {
        CheckedProtocol<Recorder> c = new CheckedProtocol<>(loop, new Recorder(loop));
        calls.accept(c);
        return c;
    }

    static ByteBuffer bytes() {
        return ByteBuffer.wrap(new byte[] {1});
    }

    @Test
    void acceptsTheDocumentedWords() {
        assertThat(play(c -> {
            c.connectionMade(null);
            c.connectionLost(null);
        }).problems()).isEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.pauseWriting();
            c.dataReceived(bytes());
            c.resumeWriting();
            c.dataReceived(bytes());
            c.eofReceived();
            c.pauseWriting();
            c.resumeWriting();
            c.connectionLost(new java.io.IOException("x"));
        }).problems()).isEmpty();
    }

    @Test
    void catchesEachWayOfBreakingTheOrder() {
        assertThat(play(c -> c.connectionMade(null)).problems()).as("no connectionLost").isNotEmpty();
        assertThat(play(c -> {
            c.dataReceived(bytes());
        }).problems()).as("data before connectionMade").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.eofReceived();
            c.dataReceived(bytes());
            c.connectionLost(null);
        }).problems()).as("data after EOF").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.eofReceived();
            c.eofReceived();
            c.connectionLost(null);
        }).problems()).as("two EOFs").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.resumeWriting();
            c.connectionLost(null);
        }).problems()).as("resume first").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.pauseWriting();
            c.pauseWriting();
            c.connectionLost(null);
        }).problems()).as("pause twice").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.connectionLost(null);
            c.resumeWriting();
        }).problems()).as("anything after connectionLost").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.connectionLost(null);
            c.connectionLost(null);
        }).problems()).as("connectionLost twice").isNotEmpty();
        assertThat(play(c -> {
            c.connectionMade(null);
            c.dataReceived(ByteBuffer.allocate(0));
            c.connectionLost(null);
        }).problems()).as("empty data").isNotEmpty();
    }

    @Test
    void catchesNestingAndForeignThreads() throws Exception {
        @SuppressWarnings("unchecked")
        CheckedProtocol<Recorder>[] self = new CheckedProtocol[1];
        CheckedProtocol<Recorder> nested = new CheckedProtocol<>(loop, new Recorder(loop) {
            @Override
            public void dataReceived(ByteBuffer data) {
                self[0].connectionLost(null); // a transport calling back into the protocol from inside a callback
            }
        });
        self[0] = nested;
        nested.connectionMade(null);
        nested.dataReceived(bytes());
        assertThat(nested.problems()).anySatisfy(p -> assertThat(p).contains("nested"));

        CheckedProtocol<Recorder> foreign = new CheckedProtocol<>(loop, new Recorder(loop));
        Thread t = Thread.ofPlatform().start(() -> foreign.connectionMade(null));
        t.join();
        foreign.connectionLost(null);
        assertThat(foreign.problems()).anySatisfy(p -> assertThat(p).contains("not the loop's"));
    }
}
