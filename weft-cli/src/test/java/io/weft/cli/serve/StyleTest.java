package io.weft.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code --style}: callbacks or green, with {@code fibers} kept as the old name of green. */
class StyleTest {
    final Style.Converter convert = new Style.Converter();

    @Test
    void readsCallbacksAndGreenInAnyCase() {
        assertThat(convert.convert("callbacks")).isEqualTo(Style.CALLBACKS);
        assertThat(convert.convert("green")).isEqualTo(Style.GREEN);
        assertThat(convert.convert("GREEN")).isEqualTo(Style.GREEN);
    }

    @Test
    void fibersIsAnAliasOfGreen() {
        assertThat(convert.convert("fibers")).isEqualTo(Style.GREEN);
        assertThat(convert.convert("Fibers")).isEqualTo(Style.GREEN);
    }

    @Test
    void anythingElseSaysWhatIsExpected() {
        assertThatThrownBy(() -> convert.convert("threads")).isInstanceOf(TypeConversionException.class)
                .hasMessage("expected callbacks or green, not 'threads'");
    }
}
