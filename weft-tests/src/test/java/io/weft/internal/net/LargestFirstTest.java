package io.weft.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The order {@link io.weft.net.OverflowPolicy#DROP_LARGEST} drops in: most buffered first, and
 * among equals the one that has been buffering longest; nothing that buffers nothing.
 */
class LargestFirstTest {
    final LargestFirst<String> order = new LargestFirst<>();

    @Test
    void theLargestComesFirst() {
        order.changed("a", 100);
        order.changed("b", 300);
        order.changed("c", 200);
        assertThat(order.largest()).isEqualTo("b");
        order.changed("b", -250); // b now holds 50
        assertThat(order.largest()).isEqualTo("c");
        order.changed("a", 150); // a now holds 250
        assertThat(order.largest()).isEqualTo("a");
        assertThat(order.size()).isEqualTo(3);
    }

    @Test
    void amongEqualsTheOneBufferingLongestComesFirst() {
        order.changed("late", 10);
        order.changed("early", 10);
        order.changed("late", -10); // drained: it starts over when it buffers again
        order.changed("late", 10);
        assertThat(order.largest()).isEqualTo("early");
        order.changed("early", 5);
        order.changed("early", -5); // a change of size keeps its place among equals
        assertThat(order.largest()).isEqualTo("early");
    }

    @Test
    void whatBuffersNothingIsNotHeld() {
        assertThat(order.largest()).isNull();
        order.changed("a", 10);
        order.changed("a", -10);
        assertThat(order.largest()).isNull();
        assertThat(order.size()).isZero();
        order.changed("b", 10);
        order.remove("b");
        order.remove("never seen");
        assertThat(order.largest()).isNull();
        assertThat(order.size()).isZero();
    }

    @Test
    void manyEntriesStayOrdered() {
        for (int i = 0; i < 1000; i++) {
            order.changed("k" + i, (i * 7919) % 1000 + 1);
        }
        long last = Long.MAX_VALUE;
        while (order.largest() != null) {
            String k = order.largest();
            long size = order.sizeOf(k);
            assertThat(size).isLessThanOrEqualTo(last);
            last = size;
            order.remove(k);
        }
    }
}
