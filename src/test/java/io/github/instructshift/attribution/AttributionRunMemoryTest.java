package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.PromptFormat;
import io.github.instructshift.testing.Fixture;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1,000-prompt attribution run must not grow: the whole per-prompt pipeline (generation, batched
 * attribution, scoring, storing the result) is repeated many times through {@link AttributionRun}, as
 * the {@code attribute} command runs it, and afterwards the model's manager holds exactly the arrays
 * it held before, and the Java heap is no larger than before beyond a small margin: 256 KiB over 60
 * prompts, which includes the few hundred bytes of the small row the run keeps per prompt (measured: about
 * 30 KiB in all) and would be exceeded by anything of 4 KiB or more kept per prompt, e.g. a whole result.
 */
class AttributionRunMemoryTest {
    static final int WARM_UP = 5;
    static final int PROMPTS = 60;
    static final long HEAP_MARGIN_BYTES = 256L << 10;

    @TempDir
    Path tmp;

    static int held(NDManager manager) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(manager)).size();
    }

    static long settledHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {             // a few rounds: the lowest reading is the live set
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static List<AttributionPrompt> prompts(String prefix, int count) {
        String[] texts = {
            "Rewrite the sentence. Input: If you have any questions, let me know.",
            "Summarize the text in one line. The meeting moved to Friday.",
            "Translate to French: good morning.",
            "List three colours!"};
        List<AttributionPrompt> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(AttributionPrompt.firstSentence(prefix + i, texts[i % texts.length]));
        }
        return out;
    }

    @Test
    void manyPromptsLeaveTheModelManagerAndHeapAsTheyWere() throws ReflectiveOperationException {
        Fixture f = Fixture.of("tiny-llama");
        try (CausalLM lm = Checkpoint.open(f.dir()).load(LoadOptions.defaults())) {
            PromptAttributor attributor = new PromptAttributor(lm, "tiny-llama", ModelRole.TUNED, PromptFormat.RAW, 4, true);
            ResultStore store = new ResultStore(tmp.resolve("results"));
            AttributionRun.Listener quiet = new AttributionRun.Listener() {
                @Override
                public void stored(AttributionResults.Row row, boolean resumed, String stoppedOn) {}

                @Override
                public void skipped(AttributionRun.Skipped skipped) {
                    throw new AssertionError("skipped " + skipped);
                }
            };
            // warm-up: lazily created state (tokenizer, kernels, class loading, JIT) is not growth
            new AttributionRun(store, prompts("warm_", WARM_UP), "tiny-llama", ModelRole.TUNED, "raw", null)
                    .execute(attributor, quiet);
            int arraysBefore = held(lm.manager());
            long heapBefore = settledHeap();

            AttributionRun.Outcome o = new AttributionRun(store, prompts("p_", PROMPTS), "tiny-llama",
                    ModelRole.TUNED, "raw", null).execute(attributor, quiet);

            assertEquals(PROMPTS, o.computed());
            assertEquals(arraysBefore, held(lm.manager()), "arrays left in the model's manager");
            long growth = settledHeap() - heapBefore;
            System.out.printf("heap growth over %d prompts: %d KiB (rows kept: %d)%n", PROMPTS, growth >> 10, o.rows().size());
            assertTrue(growth < HEAP_MARGIN_BYTES, "Java heap grew by " + (growth >> 10) + " KiB over " + PROMPTS + " prompts");
            assertEquals(PROMPTS + WARM_UP, store.ids().size());
        }
    }
}
