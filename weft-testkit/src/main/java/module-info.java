/** Weft's test kit: a manual clock, descriptor leak checks, helpers for users' own tests, and the backend contract tests. */
module io.weft.testkit {
    requires transitive io.weft.core;
    // Transitive: PollerContract is a JUnit test class that backends subclass.
    requires transitive org.junit.jupiter.api;
    // Transitive: EveryBackend is a parameterised-class annotation that users put on their tests.
    requires transitive org.junit.jupiter.params;
    requires org.assertj.core;
    exports io.weft.testkit;
    exports io.weft.testkit.faults;
    exports io.weft.testkit.sim;
}
