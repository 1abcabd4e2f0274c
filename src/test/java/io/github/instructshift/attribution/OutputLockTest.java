package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondHolderIsRefusedNamingTheFirstAndTheLockIsFreeAfterClose() {
        Path out = tmp.resolve("out");
        try (OutputLock first = OutputLock.acquire(out)) {
            AttributionException e = assertThrows(AttributionException.class, () -> OutputLock.acquire(out));
            assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
        }
        try (OutputLock again = OutputLock.acquire(out)) {
            assertFalse(again.previousHolder().isPresent(), "a released lock leaves no record");
        }
    }

    @Test
    void aStaleRecordIsTakenOverAndOnlyTheHolderRemovesTempFiles() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("results/base"));
        Files.writeString(out.resolve(OutputLock.FILE), "{\"pid\":999999999,\"host\":\"gone\",\"since\":null}");
        Path temp = out.resolve("results/base/.a.json123.partial");
        Files.writeString(temp, "{");
        new ResultStore(out.resolve("results/base"));
        assertTrue(Files.exists(temp), "opening a store deletes nothing");
        try (OutputLock lock = OutputLock.acquire(out)) {
            assertEquals(999999999L, lock.previousHolder().orElseThrow().pid());
            assertEquals(List.of(temp.toRealPath()), lock.removeTempFiles().stream().map(p -> p.toAbsolutePath()).toList());
            assertFalse(Files.exists(temp));
        }
    }
}
