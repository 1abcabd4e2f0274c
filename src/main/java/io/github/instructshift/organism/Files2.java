package io.github.instructshift.organism;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Atomic writes: a reader never sees a half-written file that looks complete. */
public final class Files2 {
    private Files2() {}

    static void writeLinesAtomically(Path file, List<String> lines) {
        writeAtomically(file, out -> {
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
        });
    }

    public static void writeStringAtomically(Path file, String text) {
        writeAtomically(file, out -> out.write(text));
    }

    interface WriterBody {
        void write(Writer out) throws IOException;
    }

    static void writeAtomically(Path file, WriterBody body) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                // createTempFile makes the file private; the outputs are ordinary project files
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the default permissions
            }
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                body.write(out);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new OrganismException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary name starts with a dot and is never read
                }
            }
        }
    }
}
