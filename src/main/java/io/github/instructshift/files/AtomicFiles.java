package io.github.instructshift.files;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Write-to-temp-then-move, so a reader never sees half a file and a killed run leaves no partial result. */
public final class AtomicFiles {
    /** Temporary files are named {@code .NAME…}{@value #TEMP_SUFFIX} beside their target. */
    public static final String TEMP_SUFFIX = ".partial";

    private AtomicFiles() {}

    /** What goes into the file, written through a UTF-8 writer. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer out) throws IOException;
    }

    public static void write(Path target, byte[] content) throws IOException {
        replace(target, tmp -> Files.write(tmp, content));
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Each line followed by {@code \n}. */
    public static void writeLines(Path target, List<String> lines) throws IOException {
        write(target, out -> {
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
        });
    }

    public static void write(Path target, Content content) throws IOException {
        replace(target, tmp -> {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.writeTo(out);
            }
        });
    }

    private interface Filler {
        void fill(Path tmp) throws IOException;
    }

    private static void replace(Path target, Filler filler) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), TEMP_SUFFIX);
        try {
            try {
                // createTempFile makes the file private; the outputs are ordinary project files
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the default permissions
            }
            filler.fill(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
