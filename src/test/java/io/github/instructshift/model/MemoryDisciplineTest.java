package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.attribution.GradientAttributor;
import io.github.instructshift.testing.Fixture;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nothing a forward pass, generation or attribution makes may stay in the model's manager: a
 * 1,000-prompt run must hold as many arrays after the last prompt as after loading.
 */
class MemoryDisciplineTest {

    /** Arrays and sub-managers a manager still holds (DJL keeps them in a protected map). */
    static int held(NDManager manager) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(manager)).size();
    }

    @Test
    void repeatedWorkLeavesTheModelManagerAsLoaded() throws ReflectiveOperationException {
        Fixture f = Fixture.of("tiny-mistral-sharded");
        try (CausalLM lm = Checkpoint.open(f.dir()).load(LoadOptions.defaults())) {
            long[] prompt = f.ids("prompt_ids");
            long[] response = Arrays.copyOfRange(f.ids("greedy_ids"), prompt.length, prompt.length + 4);
            GradientAttributor attributor = new GradientAttributor(lm);
            lm.generate(prompt, 3);                            // warm-up: lazily created state, if any
            int before = held(lm.manager());
            for (int i = 0; i < 5; i++) {
                lm.generate(prompt, 6, false);
                lm.sequenceLogits(prompt);
                attributor.attribute(prompt, response, 2);
            }
            assertEquals(before, held(lm.manager()), "arrays left in the model's manager");
        }
    }
}
