package io.weft.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsUnitsCombinationsIsoAndOff() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
        assertThat(Durations.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("off")).isZero();
    }

    @Test
    void refusesWhatItCannotReadAndSaysWhatItCan() {
        for (String bad : new String[] {"", "10", "5x", "m", "10 m", "1.5s", "-5s", "PT", "s10"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("e.g. 500ms, 30s, 10m");
        }
        assertThatThrownBy(() -> Durations.parse("PT-5S")).hasMessageContaining("negative");
    }

    @Test
    void formatsWhatItReads() {
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        Duration odd = Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5);
        assertThat(Durations.parse(Durations.format(odd))).isEqualTo(odd);
    }
}
