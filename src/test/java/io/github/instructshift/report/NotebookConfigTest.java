package io.github.instructshift.report;

import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotebookConfigTest {
    @TempDir
    Path root;

    @Test
    void defaultsAreTheEmbeddedPairOnOneCpuThreadWithoutThePaper() {
        NotebookConfig c = NotebookConfig.resolve(Map.of(), root);
        assertEquals(root.resolve("data/models/organism-base"), c.base());
        assertEquals(root.resolve("data/models/organism-tuned"), c.tuned());
        assertNull(c.paper());
        assertFalse(c.hasPaper());
        assertEquals("cpu", c.device());
        assertEquals("float32", c.dtype());
        assertEquals(1, c.threads());
        assertEquals(root.resolve("figures"), c.figures());
        assertEquals(6, c.prompts());
        assertEquals("default", c.sources().get("base"));
        assertEquals("not set", c.sources().get("paper"));
    }

    @Test
    void environmentBeatsThePropertiesFileWhichBeatsTheDefaults() throws Exception {
        Files.writeString(root.resolve("instruct-shift.properties"), "base = models/from-file\ntuned=models/tuned-file\n"
                + "device=gpu\nthreads=auto\n");
        Map<String, String> env = Map.of("INSTRUCT_SHIFT_BASE", "/abs/from-env", "INSTRUCT_SHIFT_DEVICE", "  ",
                "INSTRUCT_SHIFT_PROMPTS", "3");
        NotebookConfig c = NotebookConfig.resolve(env, root);
        assertEquals(Path.of("/abs/from-env"), c.base());
        assertEquals("environment INSTRUCT_SHIFT_BASE", c.sources().get("base"));
        assertEquals(root.resolve("models/tuned-file"), c.tuned(), "relative paths resolve against the project root");
        assertTrue(c.sources().get("tuned").startsWith("file "), c.sources().get("tuned"));
        assertEquals("gpu", c.device(), "a blank environment variable counts as unset, so the file's value holds");
        assertEquals(0, c.threads(), "auto");
        assertEquals(3, c.prompts());
        assertEquals("float32", c.dtype());
        assertEquals("default", c.sources().get("dtype"));
    }

    @Test
    void aNamedPropertiesFileIsReadAndAMissingOneIsAnError() throws Exception {
        Files.writeString(root.resolve("other.properties"), "figures=out/figs\n");
        NotebookConfig c = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_CONFIG", "other.properties"), root);
        assertEquals(root.resolve("out/figs"), c.figures());
        ReportException e = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_CONFIG", "nope.properties"), root));
        assertTrue(e.getMessage().contains("INSTRUCT_SHIFT_CONFIG=nope.properties"), e.getMessage());
    }

    @Test
    void badValuesAreErrorsNamingTheSettingAndWhereItCameFrom() throws Exception {
        ReportException prompts = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_PROMPTS", "many"), root));
        assertTrue(prompts.getMessage().contains("prompts = 'many'") && prompts.getMessage().contains("INSTRUCT_SHIFT_PROMPTS"),
                prompts.getMessage());
        ReportException threads = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_THREADS", "-2"), root));
        assertTrue(threads.getMessage().contains("threads"), threads.getMessage());
        Files.writeString(root.resolve("instruct-shift.properties"), "bsae=x\n");
        ReportException typo = assertThrows(ReportException.class, () -> NotebookConfig.resolve(Map.of(), root));
        assertTrue(typo.getMessage().contains("unknown key 'bsae'"), typo.getMessage());
    }

    @Test
    void aPaperFolderWithoutTheAuthorsFilesIsRefused() {
        ReportException e = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_PAPER", "no-such-folder"), root));
        assertTrue(e.getMessage().contains("no-such-folder") && e.getMessage().contains("FinalDataset.tsv"), e.getMessage());
        NotebookConfig c = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_PAPER", Shared.paper().toString()), root);
        assertEquals(Shared.paper(), c.paper());
        assertTrue(c.hasPaper());
    }

    @Test
    void missingDefaultModelsSayTheEmbeddedPairIsMissingAndHowToPointElsewhere() {
        NotebookConfig c = NotebookConfig.resolve(Map.of(), root);
        ReportException e = assertThrows(ReportException.class, c::requirePair);
        String m = e.getMessage();
        assertTrue(m.contains("embedded default model pair is missing"), m);
        assertTrue(m.contains("data/models/organism-base") && m.contains("data/models/organism-tuned"), m);
        assertTrue(m.contains("organism build") && m.contains("INSTRUCT_SHIFT_BASE"), m);
        ReportException open = assertThrows(ReportException.class, () -> ModelPair.open(c));
        assertEquals(m, open.getMessage(), "opening the pair fails with the same message, before touching PyTorch");
    }

    @Test
    void aMissingConfiguredModelNamesTheVariableAndThePath() throws Exception {
        Path empty = Files.createDirectory(root.resolve("empty"));
        Map<String, String> env = new HashMap<>();
        env.put("INSTRUCT_SHIFT_BASE", Shared.fixture("tiny-llama").toString());
        env.put("INSTRUCT_SHIFT_TUNED", empty.toString());
        ReportException e = assertThrows(ReportException.class, () -> NotebookConfig.resolve(env, root).requirePair());
        String m = e.getMessage();
        assertTrue(m.contains("tuned = " + empty) && m.contains("environment INSTRUCT_SHIFT_TUNED")
                && m.contains("has no config.json"), m);
        assertFalse(m.contains("tiny-llama"), "the base model is fine and not mentioned: " + m);
        assertFalse(m.contains("embedded default"), m);
    }

    @Test
    void anExistingPairPasses() {
        NotebookConfig c = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_BASE", Shared.fixture("tiny-llama").toString(),
                "INSTRUCT_SHIFT_TUNED", Shared.fixture("tiny-qwen2").toString()), root);
        assertSame(c, c.requirePair());
    }

    @Test
    void theRootIsTheNearestFolderWithPomAndNotebooks() throws Exception {
        Path project = Files.createDirectories(root.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path notebooks = Files.createDirectories(project.resolve("notebooks"));
        assertEquals(project, NotebookConfig.findRoot(notebooks));
        assertEquals(project, NotebookConfig.findRoot(project));
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        assertEquals(elsewhere, NotebookConfig.findRoot(elsewhere), "no project above: the folder itself");
    }

    @Test
    void theTableListsEverySettingWithItsSource() {
        NotebookConfig c = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_DTYPE", "float16"), root);
        var t = c.table();
        assertEquals(NotebookConfig.KEYS.size(), t.rowCount());
        int dtype = NotebookConfig.KEYS.indexOf("dtype");
        assertEquals("float16", t.stringColumn("value").get(dtype));
        assertEquals("environment INSTRUCT_SHIFT_DTYPE", t.stringColumn("from").get(dtype));
    }

    @Test
    void theEmbeddedOrganismGetsItsProfileAndAnyOtherPairThePapersUnlessForced() throws Exception {
        assertEquals(Profile.ORGANISM, NotebookConfig.resolve(Map.of(), root).profile());
        Map<String, String> real = Map.of("INSTRUCT_SHIFT_BASE", Shared.fixture("tiny-llama").toString(),
                "INSTRUCT_SHIFT_TUNED", Shared.fixture("tiny-qwen2").toString());
        assertEquals(Profile.PAPER, NotebookConfig.resolve(real, root).profile());
        Map<String, String> forced = new HashMap<>(real);
        forced.put("INSTRUCT_SHIFT_PROFILE", "Organism");
        assertEquals(Profile.ORGANISM, NotebookConfig.resolve(forced, root).profile());
        Files.writeString(root.resolve("instruct-shift.properties"), "profile=paper\n");
        NotebookConfig c = NotebookConfig.resolve(Map.of(), root);
        assertEquals(Profile.PAPER, c.profile(), "the embedded pair forced to the paper's settings");
        assertTrue(c.sources().get("profile").startsWith("file "), c.sources().get("profile"));
        ReportException e = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_PROFILE", "quick"), root));
        assertTrue(e.getMessage().contains("profile") && e.getMessage().contains("'quick'"), e.getMessage());
    }

    @Test
    void thePaperProfileNamesTheKeyToSetForTheShareGptVocabulary() {
        NotebookConfig none = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_PROFILE", "paper"), root);
        ReportException e = assertThrows(ReportException.class, none::shareGptVocabulary);
        assertTrue(e.getMessage().contains("INSTRUCT_SHIFT_PAPER") && !e.getMessage().contains("\n"), e.getMessage());
        NotebookConfig paper = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_PAPER", Shared.paper().toString()), root);
        assertEquals(Shared.paper().resolve("datasets/SingleShareGPT_Vocab.tsv"), paper.shareGptVocabulary());
    }

    @Test
    void theLabellerAndVectorsKeysAreCheckedWhenRead() {
        assertTrue(NotebookConfig.resolve(Map.of(), root).labeller().isOffline());
        ReportException openai = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_LABELLER", "openai"), root));
        assertTrue(openai.getMessage().contains("INSTRUCT_SHIFT_LABELLER_ENDPOINT")
                && openai.getMessage().contains("INSTRUCT_SHIFT_LABELLER_MODEL"), openai.getMessage());
        NotebookConfig c = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_LABELLER", "openai",
                "INSTRUCT_SHIFT_LABELLER_ENDPOINT", "http://localhost:8000/v1", "INSTRUCT_SHIFT_LABELLER_MODEL", "m",
                "INSTRUCT_SHIFT_LABELLER_KEY_ENV", "MY_KEY"), root);
        assertEquals("openai", c.labeller().kind());
        assertEquals("MY_KEY", c.labeller().keyEnv());
        assertTrue(assertThrows(ReportException.class, () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_LABELLER",
                "gpt"), root)).getMessage().contains("labeller = 'gpt'"));
        ReportException vectors = assertThrows(ReportException.class,
                () -> NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_VECTORS", "glove.txt"), root));
        assertTrue(vectors.getMessage().contains("vectors = glove.txt") && vectors.getMessage().contains("GloVe"),
                vectors.getMessage());
    }
}
