package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.future.Promise;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A file read that waits (a FIFO whose writer has not written yet) does not hold the loop:
 * timers fire and a socket is served while it waits, and the read completes when the bytes come.
 * The writer writes only after the loop has shown both, so if the read held the loop the test
 * could not finish.
 */
class NeverBlocksTheLoopTest extends FileTestSupport {

    static final class Echo implements Protocol {
        Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }
    }

    @Test
    void timersAndSocketsAreServedWhileAFifoReadWaits() throws Exception {
        Path fifo = dir.resolve("slow.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo is not available");

        CountDownLatch mayWrite = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().daemon().name("fifo-writer").start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // waits for the reader to open
                mayWrite.await(30, TimeUnit.SECONDS);
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        Server server = await(Net.createServer(loop, Echo::new, new InetSocketAddress("127.0.0.1", 0),
                ServerOptions.defaults()));
        InetSocketAddress address = (InetSocketAddress) server.addresses().get(0);
        AsyncFile f = open(fifo);
        ByteBuffer dst = ByteBuffer.allocate(64);
        Promise<Integer> read = f.read(dst);

        // While the read waits: ten timer ticks, and a round trip through the loop's echo server.
        int[] ticks = {0};
        Promise<Void> ticked = loop.newPromise();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            if (++ticks[0] == 10) {
                ticked.complete(null);
            } else {
                loop.callLater(Duration.ofMillis(5), tick[0]);
            }
        };
        loop.callLater(Duration.ofMillis(5), tick[0]);
        CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
            try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                return new String(in.readNBytes(4), StandardCharsets.US_ASCII);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        Promise<String> echo = Promise.from(loop, echoed);

        await(Promise.all(loop, java.util.List.of(ticked, echo)));
        assertThat(read.isDone()).as("the read is still waiting for the writer").isFalse();
        assertThat(echo.resultNow()).isEqualTo("ping");

        mayWrite.countDown();
        assertThat(await(read)).isEqualTo(5);
        assertThat(new String(dst.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
        await(f.close());
        await(server.shutdown(Duration.ZERO));
        writer.join(10_000);
    }
}
