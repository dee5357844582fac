package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TaskScopeTest {
    final EventLoop loop = EventLoop.create();
    final List<String> events = new ArrayList<>();

    @AfterEach
    void tearDown() {
        loop.close();
    }

    private <T> T run(java.util.concurrent.Callable<T> body) {
        return loop.runUntilComplete(loop.spawn(body));
    }

    @Test
    void joinWaitsForEveryChildAndTheirValuesAreThere() {
        String result = run(() -> {
            try (TaskScope scope = TaskScope.open()) {
                Promise<String> a = scope.fork(() -> {
                    Green.sleep(Duration.ofMillis(20));
                    return "a";
                });
                Promise<String> b = scope.fork(() -> "b");
                scope.join();
                return a.resultNow() + b.resultNow();
            }
        });
        assertThat(result).isEqualTo("ab");
    }

    @Test
    void aFailingChildCancelsItsSiblingsAndJoinThrowsTheFailure() {
        assertThatThrownBy(() -> run(() -> {
            try (TaskScope scope = TaskScope.open()) {
                scope.fork(() -> {
                    try {
                        Green.sleep(Duration.ofHours(1));
                    } finally {
                        events.add("sibling unwound");
                    }
                    return null;
                });
                scope.fork(() -> {
                    Green.sleep(Duration.ofMillis(5));
                    throw new IllegalStateException("child failed");
                });
                scope.join();
                return null;
            }
        })).hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("child failed");
        assertThat(events).containsExactly("sibling unwound");
    }

    @Test
    void deadlineCancelsChildrenAndJoinReportsTimeout() {
        assertThatThrownBy(() -> run(() -> {
            try (TaskScope scope = TaskScope.open(Duration.ofMillis(30))) {
                scope.fork(() -> {
                    Green.sleep(Duration.ofHours(1));
                    return null;
                });
                scope.join();
                return null;
            }
        })).isInstanceOf(CompletionException.class).rootCause().isInstanceOf(TimeoutException.class);
    }

    @Test
    void nothingAScopeStartedOutlivesIt() {
        run(() -> {
            try (TaskScope scope = TaskScope.open()) {
                for (int i = 0; i < 10; i++) {
                    int n = i;
                    scope.fork(() -> {
                        try {
                            Green.sleep(Duration.ofHours(1));
                        } finally {
                            events.add("child " + n + " ended");
                        }
                        return null;
                    });
                }
                Green.sleep(Duration.ofMillis(5));
            } // close(): cancels and waits
            events.add("scope closed");
            return null;
        });
        assertThat(events).hasSize(11).last().isEqualTo("scope closed");
    }

    @Test
    void cancellingTheOwnerInJoinCancelsChildrenAndWaitsForThem() {
        Promise<Void> owner = loop.spawn(() -> {
            try (TaskScope scope = TaskScope.open()) {
                scope.fork(() -> {
                    try {
                        Green.sleep(Duration.ofHours(1));
                    } finally {
                        events.add("child ended");
                    }
                    return null;
                });
                scope.join();
            } finally {
                events.add("owner ended");
            }
            return null;
        });
        loop.callLater(Duration.ofMillis(10), owner::cancel);
        assertThatThrownBy(() -> loop.runUntilComplete(owner)).isInstanceOf(CancellationException.class);
        run(() -> {
            Green.sleep(Duration.ofMillis(5));
            return null;
        });
        assertThat(events).containsExactly("child ended", "owner ended");
    }
}
