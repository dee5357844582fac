package io.weft.http.internal.parse;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The short fuzz run of every build: seeded mutations of valid requests, chunked bodies and responses
 * (bytes flipped, inserted from a dictionary of the grammar's delimiters and field names,
 * deleted, repeated), each checked by {@link Differential}. Same seed, same inputs: a failure
 * reproduces.
 */
class RandomizedDifferentialTest {
    private static final int INPUTS = 150_000;

    private static final List<String> REQUEST_SEEDS = List.of(
            "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
            "POST /up?x=1 HTTP/1.1\r\nHost: h:8080\r\nContent-Length: 12\r\nConnection: keep-alive, close\r\n\r\n",
            "PUT /a%20b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\nExpect: 100-continue\r\n\r\n",
            "\r\nOPTIONS * HTTP/1.0\r\nX-Empty:\r\nX: \u00e9 \t\r\n\r\n",
            "GET http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\nTransfer-Encoding: chunked\r\n\r\n");
    private static final List<String> CHUNKED_SEEDS = List.of(
            "5\r\nhello\r\n0\r\n\r\n",
            "3;a=b;c=\"q\\\"x\" \t;d\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: v\r\nU:w\r\n\r\n",
            "1 ; e = v\r\nx\r\n00\r\n\r\n");
    private static final List<String> RESPONSE_SEEDS = List.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "HTTP/1.0 200\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 500 \u00e9\r\nX: y\r\n\r\nuntil the end");
    private static final List<String> DICTIONARY = List.of(" ", "\t", "\r", "\n", "\r\n", ":", ",", ";", "=", "\"", "\\", "\0",
            "\u007f", "\u00ff", "%", "%2", "/", "*", "chunked", "Content-Length", "Transfer-Encoding", "Host", "Connection",
            "close", "keep-alive", "Expect", "100-continue", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "0", "ffffffffffffffff", "-1",
            "\r\n\r\n", "GET", "CONNECT", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 100 Continue\r\n\r\n", "204", "304", "101");

    @Test
    void requestHeads() {
        run(new Random(12), REQUEST_SEEDS, Differential::request);
    }

    @Test
    void chunkedBodies() {
        run(new Random(34), CHUNKED_SEEDS, Differential::chunked);
    }

    @Test
    void responses() {
        int[] thirds = {3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60};
        run(new Random(56), RESPONSE_SEEDS, data -> {
            Differential.response(data, thirds, false);
            Differential.response(data, new int[] {1, 13, 14, 40}, true);
        });
    }

    private static void run(Random random, List<String> seeds, java.util.function.Consumer<byte[]> check) {
        for (String s : seeds) {
            check.accept(Differential.bytes(s));
        }
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = Differential.bytes(seeds.get(random.nextInt(seeds.size())));
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                input = mutate(random, input);
            }
            check.accept(input);
        }
    }

    static byte[] mutate(Random r, byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        int at = in.length == 0 ? 0 : r.nextInt(in.length + 1);
        switch (r.nextInt(5)) {
            case 0 -> { // flip one byte
                byte[] c = in.clone();
                if (c.length > 0) {
                    c[Math.min(at, c.length - 1)] = (byte) r.nextInt(256);
                }
                return c;
            }
            case 1 -> { // insert a dictionary word
                out.write(in, 0, at);
                out.writeBytes(Differential.bytes(DICTIONARY.get(r.nextInt(DICTIONARY.size()))));
                out.write(in, at, in.length - at);
            }
            case 2 -> { // delete a range
                int len = Math.min(in.length - at, 1 + r.nextInt(4));
                out.write(in, 0, at);
                out.write(in, at + len, in.length - at - len);
            }
            case 3 -> { // repeat a range
                int len = Math.min(in.length - at, 1 + r.nextInt(24));
                out.write(in, 0, at + len);
                out.write(in, at, in.length - at);
            }
            default -> { // replace with a dictionary word
                int len = Math.min(in.length - at, 1 + r.nextInt(3));
                out.write(in, 0, at);
                out.writeBytes(Differential.bytes(DICTIONARY.get(r.nextInt(DICTIONARY.size()))));
                out.write(in, at + len, in.length - at - len);
            }
        }
        return out.toByteArray();
    }
}
