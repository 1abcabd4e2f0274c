package io.github.instructshift.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void eachWriterReplacesTheTargetInMissingFoldersAndLeavesOnlyIt() throws IOException {
        Path file = tmp.resolve("a/b/out.txt");
        AtomicFiles.writeString(file, "first");
        assertEquals("first", Files.readString(file));
        AtomicFiles.writeLines(file, List.of("x", "ÿ"));
        assertEquals(List.of("x", "ÿ"), Files.readAllLines(file, StandardCharsets.UTF_8));
        assertEquals("x\nÿ\n", Files.readString(file), "every line ends in \\n");
        byte[] bytes = {0, 1, (byte) 0xff};
        AtomicFiles.write(file, bytes);
        assertArrayEquals(bytes, Files.readAllBytes(file));
        assertEquals(List.of(file), listing(file.getParent()));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    "an ordinary file, not createTempFile's private one");
        }
    }

    @Test
    void aFailingWriterKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path file = tmp.resolve("out.json");
        AtomicFiles.writeString(file, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("half");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(file));
        assertEquals(List.of(file), listing(tmp));
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
