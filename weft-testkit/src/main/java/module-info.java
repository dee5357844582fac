/** Weft's test kit: a manual clock, helpers for users' own tests, and the backend contract tests. */
module io.weft.testkit {
    requires transitive io.weft.core;
    requires org.junit.jupiter.api;
    requires org.assertj.core;
    exports io.weft.testkit;
}
