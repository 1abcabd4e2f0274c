package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.instructshift.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFingerprintTest {
    @TempDir
    Path tmp;

    @Test
    void aTouchedShardOrAChangedConfigIsNamed() throws Exception {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        try (var files = Files.list(Shared.fixture("tiny-mistral-sharded"))) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        CheckpointFingerprint then = CheckpointFingerprint.of(dir);
        assertEquals(List.of(), then.changes(CheckpointFingerprint.of(dir), dir));
        assertTrue(then.files().containsKey("model-00007-of-00020.safetensors"), then.files().keySet().toString());
        Path shard = dir.resolve("model-00007-of-00020.safetensors");
        Files.setLastModifiedTime(shard, FileTime.fromMillis(Files.getLastModifiedTime(shard).toMillis() + 60_000));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")) + " ");
        List<String> changes = then.changes(CheckpointFingerprint.of(dir), dir);
        assertEquals(2, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith(dir.resolve("config.json").toString()), changes.toString());
        assertTrue(changes.get(1).startsWith(shard.toString()), changes.toString());
        assertEquals(List.of(), CheckpointFingerprint.fromJson(then.toJson(), "x").changes(then, dir));
    }
}
