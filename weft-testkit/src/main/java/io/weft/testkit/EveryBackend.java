package io.weft.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every test of the annotated class (and of its subclasses) once on each backend that works
 * here ({@link Backends#available()}), the backend injected into a field of the class or a
 * superclass:
 *
 * <pre>{@code
 * @EveryBackend
 * class MyServerTest {
 *     @Parameter
 *     PollerKind backend;
 *
 *     @Test
 *     void echoes() {
 *         try (EventLoop loop = EventLoop.create(LoopConfig.builder().poller(backend).build())) { ... }
 *     }
 * }
 * }</pre>
 *
 * Test reports name each run by its backend: {@code [epoll]}, {@code [nio]}, ...
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ParameterizedClass(name = "[{0}]")
@MethodSource("io.weft.testkit.Backends#available")
public @interface EveryBackend {
}
