package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.OutputLock;
import io.github.instructshift.testing.LockHolder;
import io.github.instructshift.testing.Shared;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code attribute} against what the hostile tester did: two runs on one folder, a lock left by a killed
 * process, weights changed in place between runs, stored results edited by hand, a chat format without a
 * template. Each case goes through the command as a user runs it.
 */
class AttributeSafetyTest {
    @TempDir
    Path tmp;


    private static AttributeRun run(AttributeCommand cmd, String... args) {
        return AttributeRun.of(cmd, args);
    }

    private static String[] args(Path model, Path out, int maxNewTokens, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("--model", model.toString(), "--role", "tuned", "--paper",
                Shared.paper().toString(), "--set", "self-instruct", "--limit", "2", "--max-new-tokens",
                String.valueOf(maxNewTokens), "--no-progress", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private Path copyOfFixture(String name) throws Exception {
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(Shared.fixture(name))) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return dst;
    }

    private static List<String> leftovers(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial") || n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void aSecondRunOnTheSameFolderIsRefusedWhileTheFirstHoldsItAndNeverMixesSettings() throws Exception {
        Path model = Shared.fixture("tiny-llama");
        Path out = tmp.resolve("out");
        AttributeRun[] second = new AttributeRun[1];
        AttributeCommand first = new AttributeCommand();
        first.afterStore = row -> {
            if (second[0] == null) {   // while the first run is between two results
                second[0] = run(new AttributeCommand(), args(model, out, 4));
            }
        };
        AttributeRun r1 = run(first, args(model, out, 6));
        assertEquals(0, r1.rc(), r1.err());
        assertEquals(2, second[0].rc(), second[0].err());
        assertTrue(second[0].err().contains("is in use by another run (process " + ProcessHandle.current().pid()),
                second[0].err());
        // the finished folder holds only the first run's results, and other settings cannot resume it
        for (Path p : Files.list(out.resolve("results/tuned")).toList()) {
            assertTrue(AttributionResult.load(p).responseTokens().size() <= 6);
        }
        AttributeRun other = run(new AttributeCommand(), args(model, out, 4));
        assertEquals(2, other.rc(), other.err());
        assertTrue(other.err().contains("max") && other.err().contains("4"), other.err());
        assertEquals(List.of(), leftovers(out));
    }

    @Test
    void aLockHeldByAnotherProcessIsRefusedNamingItAndTakenOverOnceItIsKilled() throws Exception {
        Path out = tmp.resolve("locked");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", said.readLine());
            AttributeRun refused = run(new AttributeCommand(), args(Shared.fixture("tiny-llama"), out, 3));
            assertEquals(2, refused.rc(), refused.err());
            assertTrue(refused.err().contains("process " + holder.pid()), refused.err());
            assertFalse(Files.exists(out.resolve("results")), "nothing written beside the holder");
        } finally {
            holder.destroyForcibly();   // SIGKILL: no chance to release anything
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        try (OutputLock lock = OutputLock.acquire(out)) {
            assertEquals(holder.pid(), lock.previousHolder().orElseThrow().pid(), "the killed run's record is replaced");
        }
        AttributeRun after = run(new AttributeCommand(), args(Shared.fixture("tiny-llama"), out, 3));
        assertEquals(0, after.rc(), after.err());
    }

    @Test
    void weightsChangedInPlaceRefuseTheResumeNamingTheFile() throws Exception {
        Path model = copyOfFixture("tiny-llama");
        Path out = tmp.resolve("out");
        assertEquals(0, run(new AttributeCommand(), args(model, out, 3)).rc());
        Path weights = model.resolve("model.safetensors");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 60_000));
        AttributeRun again = run(new AttributeCommand(), args(model, out, 3));
        assertEquals(2, again.rc(), again.err());
        assertTrue(again.err().contains("model.safetensors"), again.err());
    }

    @Test
    void anEditedStoredResultIsComputedAgainWithAWarningNamingIt() throws Exception {
        Path model = Shared.fixture("tiny-llama");
        Path out = tmp.resolve("out");
        assertEquals(0, run(new AttributeCommand(), args(model, out, 3)).rc());
        Path file;
        try (Stream<Path> s = Files.list(out.resolve("results/tuned"))) {
            file = s.sorted().findFirst().orElseThrow();
        }
        double score = AttributionResult.load(file).score();
        ObjectMapper json = new ObjectMapper();
        ObjectNode edited = (ObjectNode) json.readTree(file.toFile());
        edited.put("score", score + 0.25);
        Files.writeString(file, edited.toString());
        AttributeRun again = run(new AttributeCommand(), args(model, out, 3));
        assertEquals(0, again.rc(), again.err());
        assertTrue(again.err().contains("warning: " + file) && again.err().contains("computing it again"), again.err());
        assertEquals(score, AttributionResult.load(file).score(), 1e-12, "recomputed, not trusted");
    }

    @Test
    void theChatFormatWithoutATemplateIsRefusedBeforeAnyWork() throws Exception {
        Path out = tmp.resolve("chat");
        AttributeRun r = run(new AttributeCommand(), args(Shared.fixture("tiny-llama"), out, 3, "--format", "chat"));
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("tokenizer_config.json") && r.err().contains("chat_template"), r.err());
        assertFalse(Files.exists(out.resolve("results")));
    }
}
