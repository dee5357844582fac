package io.weft.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void readsBytesAndBinaryUnitsInAnyCase() {
        assertThat(ByteSize.parse("512")).isEqualTo(512);
        assertThat(ByteSize.parse("512B")).isEqualTo(512);
        assertThat(ByteSize.parse("8KiB")).isEqualTo(8192);
        assertThat(ByteSize.parse("8k")).isEqualTo(8192);
        assertThat(ByteSize.parse("8KB")).isEqualTo(8192);
        assertThat(ByteSize.parse("1MiB")).isEqualTo(1 << 20);
        assertThat(ByteSize.parse("1 mib")).isEqualTo(1 << 20);
        assertThat(ByteSize.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("0")).isZero();
    }

    @Test
    void refusesWhatItCannotReadAndSaysWhatItCan() {
        for (String bad : new String[] {"", "MiB", "1.5MiB", "-1", "1XB", "1 TiB"}) {
            assertThatThrownBy(() -> ByteSize.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("e.g. 512, 8KiB, 1MiB");
        }
        assertThatThrownBy(() -> ByteSize.parse("99999999999GiB")).hasMessageContaining("too large");
    }

    @Test
    void formatsTheShortestExactForm() {
        assertThat(ByteSize.format(1 << 20)).isEqualTo("1MiB");
        assertThat(ByteSize.format(8192)).isEqualTo("8KiB");
        assertThat(ByteSize.format(1000)).isEqualTo("1000B");
        assertThat(ByteSize.format(0)).isEqualTo("0B");
        assertThat(ByteSize.parse(ByteSize.format(3L << 30))).isEqualTo(3L << 30);
    }
}
