package io.weft.internal.loop;

import java.util.Arrays;

/**
 * Pending timers, earliest first: a 4-ary min-heap in an array, each timer knowing its index so
 * that cancelling one removes it in O(log n) instead of leaving it behind.
 *
 * <p>Why 4-ary: half the depth of a binary heap, and the four children of a node sit next to
 * each other in the array, so a sift touches fewer cache lines. Loop thread only.
 */
final class TimerQueue {
    private static final int ARITY = 4;
    private Timer[] heap = new Timer[64];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Timer peek() {
        return size == 0 ? null : heap[0];
    }

    void add(Timer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, t);
    }

    Timer poll() {
        if (size == 0) {
            return null;
        }
        Timer first = heap[0];
        removeAt(0);
        return first;
    }

    /** Removes {@code t} if it is queued here. */
    void remove(Timer t) {
        int i = t.index;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].index = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        Timer removed = heap[i];
        removed.index = -1;
        Timer last = heap[--size];
        heap[size] = null;
        if (i != size) {
            siftDown(i, last);
            if (heap[i] == last) {
                siftUp(i, last);
            }
        }
        if (heap.length > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    private void siftUp(int i, Timer t) {
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            Timer p = heap[parent];
            if (!t.before(p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i, Timer t) {
        while (true) {
            int first = i * ARITY + 1;
            if (first >= size) {
                break;
            }
            int end = Math.min(first + ARITY, size);
            int min = first;
            for (int c = first + 1; c < end; c++) {
                if (heap[c].before(heap[min])) {
                    min = c;
                }
            }
            Timer m = heap[min];
            if (!m.before(t)) {
                break;
            }
            heap[i] = m;
            m.index = i;
            i = min;
        }
        heap[i] = t;
        t.index = i;
    }
}
