package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.TestDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Parity with Hugging Face transformers (CPU, float32, eager attention) on the four fixtures.
 *
 * <p>Tolerance for logits: |ours − theirs| ≤ 1e-4 · max|theirs| + 1e-5. Both sides are float32 with
 * the same operation order up to BLAS blocking; three layers of 64-wide matmuls accumulate rounding
 * of order 1e-6 relative, so 1e-4 leaves a wide margin while a wrong rope, mask or norm (errors of
 * order 1e-1) still fails by orders of magnitude.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelParityTest {
    static final List<String> FIXTURES = Fixture.ALL;
    private NDManager manager;

    @BeforeAll
    void start() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    void stop() {
        manager.close();
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void tokenizesThePromptExactly(String name) {
        Fixture f = Fixture.of(name);
        Checkpoint ckpt = Checkpoint.open(f.dir());
        assertArrayEquals(f.ids("prompt_ids"), ckpt.tokenizer().encode(f.prompt(), true));
        List<String> expected = new ArrayList<>();
        f.expected().get("prompt_tokens").forEach(t -> expected.add(t.asText()));
        assertEquals(expected, ckpt.tokenizer().tokens(f.prompt(), true));
        long[] ids = f.ids("prompt_ids");
        for (int i = 0; i < ids.length; i++) {
            assertEquals(expected.get(i), ckpt.tokenizer().piece(ids[i]), "piece of id " + ids[i]);
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void logitsMatchTransformers(String name) {
        Fixture f = Fixture.of(name);
        try (CausalLM lm = Checkpoint.open(f.dir()).load(TestDevice.options());
             NDManager m = manager.newSubManager()) {
            float[][] ours = lm.sequenceLogits(f.ids("prompt_ids"));
            float[] theirs = f.tensor("prompt_logits", m).toFloatArray();
            int vocab = ours[0].length;
            assertEquals(theirs.length, ours.length * vocab);
            double scale = 0;
            for (float v : theirs) {
                scale = Math.max(scale, Math.abs(v));
            }
            double worst = 0;
            for (int t = 0; t < ours.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    worst = Math.max(worst, Math.abs(ours[t][v] - theirs[t * vocab + v]));
                }
            }
            System.out.printf("%s: max |Δlogit| = %.3g (max |logit| %.3g)%n", name, worst, scale);
            assertTrue(worst <= (1e-4 * scale + 1e-5) * TestDevice.slack(), name + ": max |Δlogit| " + worst);
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void greedyContinuationMatchesExactly(String name) {
        Fixture f = Fixture.of(name);
        try (CausalLM lm = Checkpoint.open(f.dir()).load(TestDevice.options())) {
            long[] prompt = f.ids("prompt_ids");
            int n = f.expected().get("new_tokens").asInt();
            Generation g = lm.generate(prompt, n, false);       // the reference ran without an EOS stop
            assertArrayEquals(f.ids("greedy_ids"), g.allIds());
            assertEquals(f.expected().get("greedy_text").asText(), g.text());
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void foldedHeadWeightsMatch(String name) {
        Fixture f = Fixture.of(name);
        ModelWeights w = Checkpoint.open(f.dir()).weights();
        try (NDManager m = manager.newSubManager()) {
            NDArray norm = w.attentionNorm(1, m).reshape(1, -1, 1);
            assertClose(f.tensor("layer1_wq_folded", m), w.queryHeads(1, m).mul(norm), name + " W_Q");
            assertClose(f.tensor("layer1_wk_folded", m), w.keyHeads(1, m).mul(norm), name + " W_K");
        }
    }

    static void assertClose(NDArray expected, NDArray actual, String what) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            // a single float32 product on both sides: agreement to a few ulps
            assertEquals(e[i], a[i], 1e-6 * Math.max(1, Math.abs(e[i])), what + " element " + i);
        }
        assertTrue(e.length > 0 && !Arrays.equals(new float[e.length], e), what + " is not all zeros");
    }
}
