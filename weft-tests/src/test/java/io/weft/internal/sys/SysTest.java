package io.weft.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class SysTest {
    @Test
    void nativeCallsWorkOnLinuxX8664OrAarch64WithTheLaunchersFlags() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64")),
                "the native layer runs on Linux x86-64 and aarch64 only");
        // surefire passes --enable-native-access=ALL-UNNAMED, as the weft launcher does
        Sys.Probe p = Sys.probe();
        assertThat(p.ok()).as(p.reason()).isTrue();
        assertThat(p).hasToString("ok");
    }
}
