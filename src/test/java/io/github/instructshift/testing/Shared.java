package io.github.instructshift.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where {@code ../shared} (fixtures and the authors' released data) is. Tests that need it fail,
 * never skip, when it is missing: a green run must mean the parity checks ran.
 */
public final class Shared {
    private Shared() {}

    public static Path dir() {
        String configured = System.getProperty("instructshift.shared");
        Path dir = configured != null ? Paths.get(configured) : Paths.get("..", "shared");
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("fixtures"))) {
            throw new IllegalStateException("The shared test data is missing: expected " + dir
                    + "/fixtures (set -Dshared.dir=PATH to point Maven at it).");
        }
        return dir;
    }

    public static Path fixture(String name) {
        return dir().resolve("fixtures").resolve(name);
    }

    public static Path paper() {
        return dir().resolve("paper");
    }
}
