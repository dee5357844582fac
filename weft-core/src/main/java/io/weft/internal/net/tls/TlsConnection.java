package io.weft.internal.net.tls;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_TASK;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;

import io.weft.internal.loop.Loop;
import io.weft.internal.io.WriteQueue;
import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.TlsHandshakeException;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One TLS connection: the {@link Protocol} of the transport underneath ("raw": it hands us
 * ciphertext and takes ours) and, through {@link TlsTransport}, the transport of the
 * application's protocol ("app": plaintext).
 *
 * <h2>States</h2>
 * <pre>
 *   HANDSHAKING --engine FINISHED--&gt; OPEN (app.connectionMade, then the handshake callback)
 *   HANDSHAKING --error, timeout, raw EOF or loss--&gt; FAILED --raw lost--&gt; handshake callback(failure)
 *   OPEN --app close()--&gt; close_notify sent, raw.close() --raw lost--&gt; app.connectionLost(null)
 *   OPEN --peer close_notify--&gt; app.eofReceived(); unless it keeps the connection open (TLS 1.3
 *        only), as close()
 *   OPEN --TCP EOF without close_notify, TLS error--&gt; raw closed --raw lost--&gt; app.connectionLost(error)
 * </pre>
 * The application hears of the connection only once the handshake is done: a failed handshake
 * reaches the handshake callback (the promise of {@code createConnection} or {@code startTls}),
 * never the application's protocol, whose call order stays that of {@link Protocol}.
 *
 * <h2>Bytes</h2>
 * Ciphertext from the raw transport goes through the {@link RecordEngine}'s loops, which also
 * run every handshake (the first, TLS 1.2 renegotiation, TLS 1.3 KeyUpdate); what a read leaves
 * of a record waits in the {@link Stash}. Plaintext the engine cannot take while a handshake
 * waits for the peer is kept in {@link #pending} and sent when it finishes.
 *
 * <h2>Flow control</h2>
 * Writing: the application is paused exactly while the raw transport is (its water marks are
 * the raw transport's; {@link #setWriteBufferLimits} sets them there). Its write buffer size is
 * the raw buffer's plus the plaintext waiting in {@link #pending}.
 *
 * <p>Reading: while the application has paused reading, the raw transport goes on reading and
 * the engine decrypting until {@value #HOLD_LIMIT} bytes of plaintext (plus at most one batch
 * of records) wait in {@link #held}; only then is the raw transport paused. Why: the peer's
 * handshake messages (a TLS 1.3 KeyUpdate that asks for one back, a TLS 1.2 renegotiation)
 * travel among the application data, and in TLS 1.3 only decrypting tells them apart. Leaving
 * them unread until the application resumes would stall a handshake either side waits on.
 * Held plaintext, and a close_notify behind it, reach the application in order once it
 * resumes.
 *
 * <p>Loop thread only.
 */
public final class TlsConnection implements Protocol {
    /** Plaintext held for a paused application before the raw transport is paused too. */
    public static final int HOLD_LIMIT = 16 * 1024;
    /** Enabled alone, no handshake can pick a suite: see {@link #refusesClientRenegotiation}. */
    private static final String NO_SUITE = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";

    private final Loop loop;
    private final SSLEngine engine;
    private final RecordEngine records;
    /** The loop's working buffers, shared with every TLS connection on it. */
    private final Scratch scratch;
    private final TlsOptions options;
    private final boolean client;
    /** Client with hostname verification: the name the certificate must carry; else null. */
    private final String expectName;
    private final TlsTransport transport = new TlsTransport(this);
    private final Stash stash = new Stash();
    private final WriteQueue pending = new WriteQueue();
    /** Plaintext decrypted while the application paused reading; delivered, in order, when it resumes. */
    private final WriteQueue held = new WriteQueue();
    private BiConsumer<Transport, Throwable> onHandshake;
    private Protocol app;
    private Transport raw;
    private TimerHandle handshakeTimer;

    private boolean handshakeDone;
    /** We started the handshake under way on an open connection ({@link #rekey}). */
    private boolean rekeying;
    /** A server on TLS 1.2 refuses client renegotiation: the engine has no real suite enabled now. */
    private boolean renegotiationLocked;
    /** The client's ClientHello came while {@link #renegotiationLocked}: the engine is about to fail it. */
    private boolean clientRenegotiating;
    /** The suites the engine had before {@link #lockRenegotiation}, for our own {@link #rekey}. */
    private String[] enabledSuites;
    private boolean appReading = true;
    private boolean rawPaused;
    private boolean appPaused;
    /** Depth of {@link #write} calls: flow-control calls to the app wait until the outermost ends. */
    private int writing;
    private boolean drainScheduled;
    /** The stash may hold whole records: decrypting stopped (paused, closing) before they were reached. */
    private boolean stashUndecrypted;
    /** The peer's close_notify came while the application was paused or plaintext was held: it hears of it later. */
    private boolean eofHeld;
    private boolean appClosed;
    private boolean closeAfterPending;
    private boolean eofAfterPending;
    private boolean outputShut;
    private boolean inboundDone;
    private boolean keepOpenAfterEof;
    /** We called raw.close() or raw.abort(), or raw is gone: write nothing more to it. */
    private boolean rawClosed;
    private boolean lost;
    /** When we sent close_notify, the raw transport had nothing else left to send. */
    private boolean onlyCloseNotifyLeft;
    private IOException failure;

    TlsConnection(Loop loop, SSLEngine engine, TlsOptions options, Protocol app, String expectName,
            BiConsumer<Transport, Throwable> onHandshake) {
        this.loop = loop;
        this.engine = engine;
        this.scratch = Scratch.of(loop);
        this.records = new RecordEngine(engine, new EngineEvents(), scratch);
        this.options = options;
        this.client = engine.getUseClientMode();
        this.app = app;
        this.expectName = expectName;
        this.onHandshake = onHandshake;
    }

    /** The connection behind a TLS transport; for Weft's own layers and tests. */
    public static TlsConnection of(Transport tlsTransport) {
        if (tlsTransport instanceof TlsTransport t) {
            return t.connection();
        }
        throw new IllegalArgumentException("not a TLS transport: " + tlsTransport);
    }

    /** The transport the application's protocol sees. */
    public Transport transport() {
        return transport;
    }

    @Override
    public void connectionMade(Transport transport) {
        this.raw = transport;
        handshakeTimer = loop.callLater(options.handshakeTimeout(), this::handshakeTimedOut);
        if (!raw.isReading()) {
            raw.resumeReading(); // STARTTLS on a transport its old protocol had paused
        }
        try {
            records.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // `data` is lent: every byte of it is decrypted now or copied into the stash.
        ByteBuffer in = data.isDirect() ? scratch.takeInputCopy(data) : data;
        try {
            records.feed(in, stash);
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
        if (in.hasRemaining()) {
            if (rawClosed || failure != null || inboundDone) {
                in.position(in.limit()); // nothing after close_notify or an error counts
            } else {
                stash.keep(in);
            }
        }
        if (in != data) {
            scratch.give(in);
        }
        // Decrypting stopped early, or what is left is one record cut short (more must be read).
        stashUndecrypted = !stash.isEmpty() && !wantsInput();
        stash.releaseIfEmpty();
        syncRawReading();
    }

    @Override
    public boolean eofReceived() {
        if (!handshakeDone) {
            setFailure(Failures.closed(peer(), null));
            rawClosed = true;
            return false;
        }
        if (inboundDone) {
            if (eofHeld && !appClosed && failure == null) {
                return true; // the application has yet to hear of the close_notify: it decides then
            }
            boolean keep = keepOpenAfterEof && !appClosed && failure == null;
            rawClosed = !keep;
            return keep;
        }
        if (!rawClosed) {
            // TCP EOF with no close_notify before it: someone may have cut the stream short.
            SSLException why = null;
            try {
                engine.closeInbound();
            } catch (SSLException e) {
                why = e;
            }
            setFailure(Failures.truncated(peer(), !stash.isEmpty(), why));
        }
        rawClosed = true;
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (lost) {
            return;
        }
        lost = true;
        rawClosed = true;
        cancelHandshakeTimer();
        pending.clear();
        held.clear();
        stash.clear();
        Throwable why = failure != null ? failure : cause;
        if (failure == null && inboundDone && onlyCloseNotifyLeft) {
            // The peer ended its stream with close_notify and everything we had to say was
            // sent; it did not wait for our close_notify (RFC 8446 6.1 lets it go at once), so
            // the write of that one failed. Nothing was lost: a clean close.
            why = null;
        }
        if (!handshakeDone) {
            Throwable h = why instanceof SSLException ? Failures.handshake(why, peer(), expectName)
                    : Failures.closed(peer(), why);
            if (onHandshake != null) {
                handshakeCallback(null, h);
            } else if (loop.debug()) {
                loop.reportException("TLS server handshake", h); // the server side has no one else to tell
            }
            return;
        }
        try {
            app.connectionLost(why);
        } catch (Throwable e) {
            loop.reportException("connectionLost of " + app, e);
        }
    }

    @Override
    public void pauseWriting() {
        rawPaused = true;
        syncFlow();
    }

    @Override
    public void resumeWriting() {
        rawPaused = false;
        syncFlow();
    }

    /** What the record loops report, turned into this connection's events. */
    private final class EngineEvents implements RecordEngine.Events {
        @Override
        public void send(ByteBuffer ciphertext) {
            if (!rawClosed) {
                raw.write(ciphertext); // copies what the socket does not take now
            } else {
                ciphertext.position(ciphertext.limit());
            }
        }

        @Override
        public void deliver(ByteBuffer plaintext) {
            if (handshakeDone && !appClosed && failure == null && !lost) {
                if (!appReading || !held.isEmpty()) {
                    held.add(plaintext); // paused: kept, behind what is already held
                    if (appReading) {
                        scheduleDrain();
                    }
                } else {
                    deliverToApp(plaintext);
                }
            }
        }

        @Override
        public boolean wantsInput() {
            return TlsConnection.this.wantsInput();
        }

        @Override
        public boolean gone() {
            return lost;
        }

        @Override
        public void handshakeRecordNext() {
            if (renegotiationLocked && !rekeying) {
                // TLS 1.2, after the first handshake: a client's handshake record is a ClientHello.
                // Not a failure yet: the record may be cut short (the rest comes with a later read,
                // and must be read); the engine fails when it has it whole, and fail() says why.
                clientRenegotiating = true;
            }
        }

        @Override
        public void handshakeFinished() throws SSLException {
            finished();
        }

        @Override
        public void closeNotifyReceived(HandshakeStatus hs) throws SSLException {
            TlsConnection.this.closeNotifyReceived(hs);
        }
    }

    private void deliverToApp(ByteBuffer plaintext) {
        try {
            app.dataReceived(plaintext);
        } catch (Throwable e) {
            loop.reportException("dataReceived of " + app, e);
            abort();
        }
    }

    /** Whether ciphertext should be decrypted now. */
    private boolean wantsInput() {
        if (rawClosed || failure != null || inboundDone) {
            return false;
        }
        if (!handshakeDone) {
            return true;
        }
        if (appClosed) {
            return closeAfterPending; // a handshake must finish before what was written can go out
        }
        return appReading && held.isEmpty() || held.size() < HOLD_LIMIT;
    }

    /**
     * Reads from the raw transport exactly while there is decrypting to do ({@link #wantsInput});
     * records kept in the stash are decrypted first, on the next turn.
     */
    private void syncRawReading() {
        if (!handshakeDone || rawClosed || lost) {
            return;
        }
        boolean want = wantsInput();
        if (want && !raw.isReading()) {
            if (stashUndecrypted) {
                scheduleDrain(); // it resumes the raw transport once the stash is decrypted
            } else {
                raw.resumeReading();
            }
        } else if (!want && raw.isReading()) {
            raw.pauseReading();
        }
    }

    /**
     * A server refuses a TLS 1.2 renegotiation the client starts, unless the options allow it:
     * each one makes the server do a full handshake's key exchange for a few bytes from the
     * client, a cheap way to burn its CPU (and nothing modern needs it; TLS 1.3 dropped it).
     * The JDK's own switch for this, {@code jdk.tls.rejectClientInitiatedRenegotiation}, is a
     * system property for the whole JVM; this is per server, and answers as the JDK does then:
     * a fatal {@code handshake_failure} alert, not the {@code no_renegotiation} warning of RFC
     * 5246 7.2.2 (a warning leaves the client to decide, and the engine, having read the
     * ClientHello, could not go back to the old handshake anyway). The connection then closes,
     * so a client waiting for the server's handshake records hears of it at once. TLS 1.3
     * KeyUpdates are not handshakes of this kind and always go through.
     *
     * <p>How: once the first handshake is done the engine's only enabled "suite" is
     * {@value #NO_SUITE}, RFC 5746's signalling value, which no handshake can choose. That
     * changes nothing for the session in use, but a new handshake the peer starts finds no
     * suite in common: the engine fails it before any key exchange with a fatal
     * {@code handshake_failure}, and {@link #fail} sends the alert and closes. (With no suite
     * enabled at all the JDK fails one step earlier, but says {@code internal_error}.) Our own
     * {@link #rekey} gives the suites back for the handshake it starts. Which record was the
     * ClientHello is seen in the clear (the record's content type), so the failure can say why;
     * the record is read on to its end (it may come in pieces) before the engine fails it.
     */
    private boolean refusesClientRenegotiation() {
        return !client && !options.allowClientRenegotiation() && "TLSv1.2".equals(engine.getSession().getProtocol());
    }

    private void lockRenegotiation() {
        if (refusesClientRenegotiation()) {
            if (enabledSuites == null) {
                enabledSuites = engine.getEnabledCipherSuites();
            }
            engine.setEnabledCipherSuites(new String[] {NO_SUITE});
            renegotiationLocked = true;
        }
    }

    private void finished() throws SSLException {
        if (rekeying || !handshakeDone) {
            lockRenegotiation();
        }
        rekeying = false;
        if (!handshakeDone) {
            handshakeDone = true;
            cancelHandshakeTimer();
            try {
                app.connectionMade(transport);
            } catch (Throwable e) {
                loop.reportException("connectionMade of " + app, e);
                handshakeCallback(null, e);
                abort();
                return;
            }
            handshakeCallback(transport, null);
            syncFlow();
        }
        flushPending();
    }

    private void closeNotifyReceived(HandshakeStatus hs) throws SSLException {
        inboundDone = true;
        records.advance(hs); // TLS 1.2: the engine answers with its own close_notify
        if (!handshakeDone) {
            setFailure(Failures.closed(peer(), null));
            closeRaw();
            return;
        }
        if (!appReading || !held.isEmpty()) {
            eofHeld = true; // after the held plaintext, once the application reads again
            return;
        }
        eofToApp();
    }

    /** The peer's close_notify, told to the application: it may keep writing (TLS 1.3) or close. */
    private void eofToApp() {
        boolean keep;
        try {
            keep = app.eofReceived();
        } catch (Throwable e) {
            loop.reportException("eofReceived of " + app, e);
            abort();
            return;
        }
        if (appClosed || rawClosed) {
            return;
        }
        if (keep && !engine.isOutboundDone()) {
            keepOpenAfterEof = true; // TLS 1.3 half-close: we may still write
            if (outputShut) {
                closeRaw(); // both directions done
            }
        } else {
            close();
        }
    }

    void write(ByteBuffer data) {
        if (lost || failure != null || rawClosed && !appClosed) {
            data.position(data.limit()); // connectionLost is on its way; the bytes go nowhere
            return;
        }
        if (appClosed || outputShut) {
            throw new IllegalStateException("write after " + (appClosed ? "close()" : "writeEof()") + " on " + transport);
        }
        if (!data.hasRemaining()) {
            return;
        }
        writing++;
        try {
            if (pending.isEmpty()) {
                records.advance(records.wrap(data));
            }
            if (data.hasRemaining() && !rawClosed) {
                pending.add(data); // the engine waits for the peer (a handshake): send later
                flushPending();
            }
        } catch (SSLException | RuntimeException e) {
            data.position(data.limit());
            fail(e);
        } finally {
            writing--;
        }
        syncFlow();
    }

    /** Sends the plaintext that waited for a handshake, then a close or EOF that waited for it. */
    private void flushPending() throws SSLException {
        while (!pending.isEmpty() && !rawClosed) {
            HandshakeStatus hs = records.wrap(pending.array(), pending.offset(), pending.count());
            long n = records.consumed();
            pending.consumed(n);
            if (n == 0 && hs != NEED_TASK && hs != NEED_WRAP && hs != FINISHED) {
                return; // still waiting for the peer
            }
            records.advance(hs);
        }
        if (pending.isEmpty() && !rawClosed) {
            if (closeAfterPending) {
                closeAfterPending = false;
                closeNow();
            } else if (eofAfterPending) {
                eofAfterPending = false;
                shutOutput();
            }
        }
    }

    void writeEof() {
        if (appClosed || outputShut || rawClosed) {
            return;
        }
        if (!canWriteEof()) {
            throw new UnsupportedOperationException("writeEof() needs TLS 1.3, whose close_notify closes one direction;"
                    + " this connection speaks " + engine.getSession().getProtocol() + ": use close()");
        }
        outputShut = true;
        if (!pending.isEmpty()) {
            eofAfterPending = true;
            return;
        }
        try {
            shutOutput();
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    private void shutOutput() throws SSLException {
        records.closeOutbound();
        if (inboundDone) {
            closeRaw(); // the peer is done too
        } else {
            raw.writeEof();
        }
    }

    boolean canWriteEof() {
        return handshakeDone && "TLSv1.3".equals(engine.getSession().getProtocol());
    }

    void close() {
        if (appClosed) {
            return;
        }
        appClosed = true;
        held.clear(); // nobody will read it
        if (rawClosed) {
            return;
        }
        if (!handshakeDone) {
            // Only Weft closes before the handshake is done (a server shutting down).
            setFailure(new TlsHandshakeException(TlsHandshakeException.Reason.CONNECTION_CLOSED,
                    "TLS handshake with " + peer() + " failed: the connection was closed on this side first", null));
        }
        if (!pending.isEmpty()) {
            closeAfterPending = true; // finish the handshake that holds them back, then close
            if (!raw.isReading()) {
                raw.resumeReading();
            }
            return;
        }
        closeNow();
    }

    /** Sends close_notify, then closes the raw transport (which flushes first). */
    private void closeNow() {
        onlyCloseNotifyLeft = raw.writeBufferSize() == 0;
        try {
            records.closeOutbound();
        } catch (SSLException | RuntimeException e) {
            setFailure(e instanceof SSLException s ? s : new SSLException(e));
        }
        closeRaw();
    }

    void abort() {
        appClosed = true;
        held.clear();
        if (!rawClosed) {
            rawClosed = true;
            raw.abort();
        }
    }

    boolean isClosing() {
        return appClosed || rawClosed || failure != null;
    }

    void pauseReading() {
        appReading = false; // the raw transport reads on, see "Flow control"
    }

    void resumeReading() {
        if (appReading) {
            return;
        }
        appReading = true;
        if (!handshakeDone || rawClosed || lost) {
            return;
        }
        if (!held.isEmpty() || eofHeld || stashUndecrypted) {
            scheduleDrain(); // never inside the application's own call to resumeReading
        } else {
            syncRawReading();
        }
    }

    private void scheduleDrain() {
        if (!drainScheduled) {
            drainScheduled = true;
            loop.callSoon(this::drainStash);
        }
    }

    /** Delivers what was held, then decrypts what the stash kept, then reads on (if still wanted). */
    private void drainStash() {
        drainScheduled = false;
        if (lost || rawClosed && !eofHeld) {
            return;
        }
        while (!held.isEmpty() && appReading && !appClosed && failure == null && !lost) {
            ByteBuffer b = held.array()[held.offset()];
            int n = b.remaining();
            deliverToApp(b);
            b.position(b.limit()); // lent to the application for the call, like any delivery
            held.consumed(n);
        }
        if (appClosed || lost) {
            held.clear();
            return;
        }
        if (appReading && held.isEmpty() && eofHeld) {
            eofHeld = false;
            eofToApp();
            return;
        }
        if (stashUndecrypted && wantsInput()) {
            // Even if the application paused again above: handshake messages may be in there.
            stashUndecrypted = false;
            try {
                records.drain(stash);
            } catch (SSLException | RuntimeException e) {
                fail(e);
                return;
            }
            stashUndecrypted = !stash.isEmpty() && !wantsInput();
            stash.releaseIfEmpty();
        }
        syncRawReading();
    }

    /** Plaintext decrypted while the application paused reading and not yet delivered; for tests. */
    public long heldBytes() {
        return held.size();
    }

    boolean isReading() {
        return appReading && handshakeDone && !inboundDone && !isClosing();
    }

    void setWriteBufferLimits(int high, int low) {
        raw.setWriteBufferLimits(high, low);
    }

    long writeBufferSize() {
        return raw.writeBufferSize() + pending.size();
    }

    Transport raw() {
        return raw;
    }

    Protocol app() {
        return app;
    }

    void setApp(Protocol protocol) {
        this.app = protocol;
    }

    SSLEngine engine() {
        return engine;
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    /**
     * Starts a new handshake on an established connection: TLS 1.3 sends a KeyUpdate, TLS 1.2
     * renegotiates. For tests of those paths.
     */
    public void rekey() {
        rekeying = handshakeDone;
        if (renegotiationLocked) {
            renegotiationLocked = false;
            engine.setEnabledCipherSuites(enabledSuites); // for this handshake; locked again when it finishes
        }
        try {
            records.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (handshakeDone || lost) {
            return;
        }
        setFailure(Failures.timeout(peer(), options.handshakeTimeout()));
        if (!rawClosed) {
            rawClosed = true;
            raw.abort(); // the peer is not answering: nothing to flush
        }
    }

    /** An engine or state error: send the alert the engine made, if any, then close. */
    private void fail(Throwable e) {
        if (lost) {
            return;
        }
        if (clientRenegotiating) {
            setFailure(new SSLException("TLS renegotiation started by " + peer() + " refused: a server does not"
                    + " renegotiate at the client's request unless TlsOptions.Builder.allowClientRenegotiation(true)"
                    + " says so", e));
        }
        if (!handshakeDone) {
            setFailure(Failures.handshake(e, peer(), expectName));
        } else {
            setFailure(Failures.afterHandshake(e, peer()));
        }
        if (rawClosed) {
            return;
        }
        try {
            records.flushAlert();
        } catch (SSLException | RuntimeException ignored) {
            // the engine is broken; the failure we report is the first one
        }
        closeRaw();
    }

    private void setFailure(IOException e) {
        if (failure == null) {
            failure = e;
        }
    }

    private void closeRaw() {
        if (!rawClosed) {
            rawClosed = true;
            raw.close();
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    private void handshakeCallback(Transport t, Throwable e) {
        BiConsumer<Transport, Throwable> cb = onHandshake;
        onHandshake = null;
        if (cb != null) {
            try {
                cb.accept(t, e);
            } catch (Throwable thrown) {
                loop.reportException("TLS handshake callback", thrown);
            }
        }
    }

    /** Tells the application of a change in the raw transport's pause state, outside write(). */
    private void syncFlow() {
        if (!handshakeDone || lost || writing > 0 || appPaused == rawPaused) {
            return;
        }
        appPaused = rawPaused;
        try {
            if (appPaused) {
                app.pauseWriting();
            } else {
                app.resumeWriting();
            }
        } catch (Throwable e) {
            loop.reportException((appPaused ? "pauseWriting" : "resumeWriting") + " of " + app, e);
        }
    }

    /** Who is at the other end, for messages: "server example.com (127.0.0.1:443)". */
    String peer() {
        String address = raw == null || raw.remoteAddress() == null ? "?" : raw.remoteAddress().toString();
        if (address.startsWith("/")) {
            address = address.substring(1);
        }
        String name = engine.getPeerHost();
        boolean named = client && name != null && !address.startsWith(name + ":") && !address.startsWith(name + "/");
        return (client ? "server " : "client ") + (named ? name + " (" + address + ")" : address);
    }

    @Override
    public String toString() {
        return "TLS[" + (raw == null ? "unconnected" : peer()) + (handshakeDone ? "" : ", handshaking") + "]";
    }
}
