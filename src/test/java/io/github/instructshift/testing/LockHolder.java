package io.github.instructshift.testing;

import io.github.instructshift.attribution.OutputLock;
import java.nio.file.Path;

/** A second process for lock tests: locks the folder given, says so on stdout, then waits to be killed. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (OutputLock lock = OutputLock.acquire(Path.of(args[0]))) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);   // the test kills it long before; bounded all the same
        }
    }
}
