package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AsyncFile#listStats}: every entry, in the directory's order, with lstat's answer, across several batches. */
class AsyncFileListStatsTest extends FileTestSupport {

    @Test
    void everyEntryWithItsStatInTheListingsOrder() throws Exception {
        for (int i = 0; i < 700; i++) { // several batches
            Files.writeString(dir.resolve("f" + i), "x".repeat(i % 7));
        }
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("f1"));
        List<Path> listed = await(AsyncFile.list(loop, dir));
        List<FileStat> stats = await(AsyncFile.listStats(loop, dir));
        assertThat(stats).extracting(FileStat::path).containsExactlyElementsOf(listed);
        assertThat(stats).hasSize(702);
        for (FileStat st : stats) {
            String name = st.path().getFileName().toString();
            switch (name) {
                case "sub" -> assertThat(st.type()).isEqualTo(FileStat.Type.DIRECTORY);
                case "link" -> assertThat(st.type()).as("not followed").isEqualTo(FileStat.Type.SYMBOLIC_LINK);
                default -> {
                    assertThat(st.type()).isEqualTo(FileStat.Type.FILE);
                    assertThat(st.size()).isEqualTo(Integer.parseInt(name.substring(1)) % 7);
                }
            }
        }
    }

    @Test
    void aMissingDirectoryIsNoSuchPath() {
        Path missing = dir.resolve("missing");
        assertThat(awaitFailure(AsyncFile.listStats(loop, missing))).isInstanceOf(NoSuchPathException.class)
                .hasMessageStartingWith("list " + missing);
        assertThat(await(AsyncFile.listStats(loop, dir))).isEmpty();
    }
}
