package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.testing.Fixture;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The same attribution, repeated under garbage-collection pressure, is the same to the last bit
 * within one thread layout: a differing run means memory was read after release.
 */
class AttributionStressTest {
    @Test
    void repeatedAttributionIsStableUnderGcPressure() {
        Fixture f = Fixture.of("tiny-mistral-sharded");
        long[] prompt = f.ids("prompt_ids");
        long[] all = f.ids("greedy_ids");
        long[] response = Arrays.copyOfRange(all, prompt.length, all.length);
        try (CausalLM lm = Checkpoint.open(f.dir()).load(LoadOptions.defaults())) {
            GradientAttributor attributor = new GradientAttributor(lm);
            // each mode against its own first run: same shapes, same arithmetic, so any drift is a fault
            float[][] firstOneByOne = attributor.attributeOneByOne(prompt, response);
            float[][] firstBatched = attributor.attribute(prompt, response, 4);
            for (int round = 0; round < 6; round++) {
                byte[][] garbage = new byte[200][];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = new byte[1 << 16];
                }
                System.gc();
                boolean oneByOne = round % 2 == 0;
                float[][] first = oneByOne ? firstOneByOne : firstBatched;
                float[][] again = oneByOne ? attributor.attributeOneByOne(prompt, response)
                        : attributor.attribute(prompt, response, 4);
                for (int n = 0; n < first.length; n++) {
                    for (int m = 0; m < first[n].length; m++) {
                        assertEquals(first[n][m], again[n][m], 1e-6 * Math.abs(first[n][m]) + 1e-12,
                                "round " + round + " row " + n + " column " + m);
                    }
                }
            }
        }
    }
}
