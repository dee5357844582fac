package io.weft.testkit.sim;

import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * What {@link Simulated} runs: one invocation per seed, its {@link Simulation} given to the
 * method, its body run inside {@link Simulation#run}, and a failure that names the seed and how
 * to replay it. Honours {@code -Dweft.sim.seed} and {@code -Dweft.sim.seeds}.
 */
public final class SimulatedExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(Simulated.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        Simulated s = context.getRequiredTestMethod().getAnnotation(Simulated.class);
        String one = System.getProperty("weft.sim.seed");
        String many = System.getProperty("weft.sim.seeds");
        LongStream seeds;
        if (one != null && !one.isBlank()) {
            seeds = LongStream.of(Long.parseLong(one.strip()));
        } else if (s.seed() != -1) {
            seeds = LongStream.of(s.seed());
        } else {
            int n = many != null && !many.isBlank() ? Integer.parseInt(many.strip()) : s.seeds();
            if (n < 1) {
                throw new IllegalArgumentException("@Simulated needs at least one seed, not " + n);
            }
            seeds = LongStream.range(s.firstSeed(), s.firstSeed() + n);
        }
        return seeds.mapToObj(seed -> new SeedInvocation(seed, s));
    }

    private record SeedInvocation(long seed, Simulated settings) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return "seed " + seed;
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new SeedRun(seed, settings));
        }
    }

    /** One seed's run: provides its simulation and runs the body inside it. */
    private static final class SeedRun implements ParameterResolver, InvocationInterceptor {
        private final long seed;
        private final Simulated settings;
        private final Simulation sim;

        SeedRun(long seed, Simulated settings) {
            this.seed = seed;
            this.settings = settings;
            this.sim = Simulation.create(seed, settings.network().faults());
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == Simulation.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return sim;
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation,
                ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext)
                throws Throwable {
            try {
                sim.run(() -> {
                    try {
                        invocation.proceed();
                    } catch (Exception | Error e) {
                        throw e;
                    } catch (Throwable t) {
                        throw new AssertionError(t);
                    }
                });
            } catch (Throwable t) {
                throw failure("failed: " + t, t);
            }
            if (!sim.violations().isEmpty()) {
                throw failure("read the real clock: " + sim.violations().get(0), null);
            }
            if (settings.checkLeaks() && sim.network().openSockets() != 0) {
                throw failure("left " + sim.network().openSockets() + " sockets open on the simulated network"
                        + " (connection ends, listeners or connects not closed)", null);
            }
            if (settings.checkLeaks() && sim.openFiles() != 0) {
                throw failure("left " + sim.openFiles() + " files open on the simulated disks (AsyncFile not closed)", null);
            }
        }

        private AssertionError failure(String what, Throwable cause) {
            StringBuilder b = new StringBuilder("seed ").append(seed).append(' ').append(what)
                    .append("\n  ").append(sim.replayHint())
                    .append("\n  ").append(sim.trace()).append(" at ").append(sim.describeNow());
            List<String> recent = sim.trace().recent();
            if (!recent.isEmpty()) {
                b.append("\n  last events:");
                for (String e : recent.subList(Math.max(0, recent.size() - 15), recent.size())) {
                    b.append("\n    ").append(e);
                }
            }
            return new AssertionError(b.toString(), cause);
        }
    }
}
