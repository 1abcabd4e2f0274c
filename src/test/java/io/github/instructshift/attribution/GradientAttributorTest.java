package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.TestDevice;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Raw attribution against transformers' {@code attribution_raw}. Tolerance: 1e-4 of the matrix's
 * largest magnitude plus 1e-7. The reference takes the softmax in float64 from float32 logits; ours
 * stays in float32, which perturbs p by ~1e-7 relative, and the backward pass adds float32 rounding
 * of the same order as the forward (logits agree to ~1e-6). Wrong objective choices (log-probability,
 * the wrong position, BOS kept) change scores by 10–100 %.
 */
class GradientAttributorTest {
    static final List<String> FIXTURES = Fixture.ALL;

    private static void assertMatches(float[][] ours, float[] theirs, String what) {
        int cols = ours[0].length;
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < theirs.length; i++) {
            scale = Math.max(scale, Math.abs(theirs[i]));
            worst = Math.max(worst, Math.abs(ours[i / cols][i % cols] - theirs[i]));
        }
        System.out.printf("%s: max |Δ| = %.3g of max |score| %.3g%n", what, worst, scale);
        assertTrue(worst <= (1e-4 * scale + 1e-7) * TestDevice.slack(), what + ": max |Δ| " + worst + " vs scale " + scale);
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void rawAttributionMatchesTransformers(String name) {
        Fixture f = Fixture.of(name);
        long[] all = f.ids("greedy_ids");
        long[] prompt = f.ids("prompt_ids");
        long[] response = Arrays.copyOfRange(all, prompt.length, all.length);
        try (CausalLM lm = Checkpoint.open(f.dir()).load(TestDevice.options());
             NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] expected = f.tensor("attribution_raw", m).toFloatArray();
            GradientAttributor attributor = new GradientAttributor(lm);
            float[][] batched = attributor.attribute(prompt, response);
            assertEquals(prompt.length - 1, batched.length);
            assertEquals(response.length, batched[0].length);
            assertMatches(batched, expected, name + " batched");
            assertMatches(attributor.attribute(prompt, response, 5), expected, name + " chunks of 5");
            assertMatches(attributor.attributeOneByOne(prompt, response), expected, name + " one by one");
        }
    }

    @Test
    void emptyResponseIsRefused() {
        Fixture f = Fixture.of("tiny-llama");
        try (CausalLM lm = Checkpoint.open(f.dir()).load(LoadOptions.defaults())) {
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> new GradientAttributor(lm).attribute(f.ids("prompt_ids"), new long[0])).getMessage();
            assertTrue(msg.contains("empty response"), msg);
        }
    }
}
