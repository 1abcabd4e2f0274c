package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.organism.OrganismTokenizer;
import io.github.instructshift.organism.TrainingSequences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a tiny Llama: it learns, it is deterministic, and a resumed run equals an uninterrupted one. */
class TrainerTest {
    private static final String TEXT = "the cat sat on the mat and the dog sat on the log. "
            + "a bird sang in the tree while the sun rose over the hill. ";

    @TempDir
    static Path tmp;
    static Path init;
    static List<int[]> windows;

    @BeforeAll
    static void tinyModel() {
        OrganismTokenizer tokenizer = OrganismTokenizer.train(List.of(TEXT.repeat(20)),
                new OrganismTokenizer.Options(400, 1, List.of()), tmp.resolve("tokenizer"));
        ModelShape shape = new ModelShape(tokenizer.vocabSize(), 32, 64, 2, 2, 64, 10_000);
        init = tmp.resolve("init");
        shape.writeInitial(init, tokenizer, 7);
        int[] stream = TrainingSequences.pretrainingStream(tokenizer, List.of(TEXT.repeat(40)));
        windows = TrainingSequences.windows(stream, 16);
    }

    private static Trainer.Config config(int steps, int totalSteps) {
        return new Trainer.Config("test", steps, new Schedule(3e-3, 2, totalSteps, 0.1), AdamW.Config.defaults(), 4, 2);
    }

    private static Trainer.Result train(Path work, int steps, int totalSteps) {
        return Trainer.train(init, work, BatchSource.windows(windows, 4, 11), config(steps, totalSteps), Device.cpu());
    }

    private static Map<String, float[]> weights(Path checkpoint) {
        try (CausalLM lm = Checkpoint.open(checkpoint).load(LoadOptions.defaults())) {
            return lm.parameters().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toFloatArray()));
        }
    }

    @Test
    void lossFallsAndTheResultLoads() {
        Trainer.Result r = train(tmp.resolve("falls"), 24, 24);
        assertEquals(12, r.log().size());
        assertTrue(r.lastLoss() < 0.75 * r.firstLoss(), "loss " + r.firstLoss() + " → " + r.lastLoss());
        assertTrue(Files.isRegularFile(r.checkpoint().resolve("tokenizer.json")));
        try (CausalLM lm = Checkpoint.open(r.checkpoint()).load(LoadOptions.defaults())) {
            assertEquals(32, lm.config().hiddenSize());
        }
    }

    @Test
    void sameSeedSameWeightsAndResumeLosesNothing() {
        Trainer.Result a = train(tmp.resolve("a"), 8, 8);
        Trainer.Result b = train(tmp.resolve("b"), 8, 8);
        // c stops after 4 steps (as if killed after its checkpoint), then a second run finishes it
        Trainer.Result c1 = train(tmp.resolve("c"), 4, 8);
        assertEquals(4, c1.log().get(c1.log().size() - 1).step());
        Trainer.Result c = train(tmp.resolve("c"), 8, 8);
        assertTrue(c.resumed());
        assertEquals(a.log(), c.log(), "the resumed run's loss log");
        Map<String, float[]> wa = weights(a.checkpoint());
        Map<String, float[]> wb = weights(b.checkpoint());
        Map<String, float[]> wc = weights(c.checkpoint());
        for (String name : wa.keySet()) {
            assertArrayEquals(wa.get(name), wb.get(name), 0f, "repeat run: " + name);
            assertArrayEquals(wa.get(name), wc.get(name), 0f, "resumed run: " + name);
        }
        float[] start = weights(init).get("model.norm.weight");
        assertTrue(java.util.stream.IntStream.range(0, start.length).anyMatch(i -> start[i] != wa.get("model.norm.weight")[i]),
                "training changed the weights");
    }

    @Test
    void aResumeUnderOtherSettingsIsRefused() {
        train(tmp.resolve("d"), 4, 8);
        var other = new Trainer.Config("test", 8, new Schedule(1e-3, 2, 8, 0.1), AdamW.Config.defaults(), 4, 2);
        String msg = assertThrows(io.github.instructshift.organism.OrganismException.class, () -> Trainer.train(init,
                tmp.resolve("d"), BatchSource.windows(windows, 4, 11), other, Device.cpu())).getMessage();
        assertTrue(msg.contains("different settings") && msg.contains("peak=0.001"), msg);
    }

    @Test
    void checkpointsMustEndLogWindows() {
        String msg = assertThrows(IllegalArgumentException.class, () -> new Trainer.Config("x", 10,
                new Schedule(1e-3, 1, 10, 0.1), AdamW.Config.defaults(), 5, 2)).getMessage();
        assertTrue(msg.contains("multiple of logEvery"), msg);
    }

    @Test
    void scheduleWarmsUpThenDecaysToItsFloor() {
        Schedule s = new Schedule(1.0, 4, 104, 0.1);
        assertEquals(0.25, s.at(0), 1e-12);
        assertEquals(1.0, s.at(3), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.55, s.at(54), 1e-12);           // half way through the decay: floor + (1 − floor)/2
        assertEquals(0.1, s.at(104), 1e-12);
    }
}
