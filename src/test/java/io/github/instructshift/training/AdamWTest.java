package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.instructshift.model.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW against the update written out by hand (Loshchilov & Hutter, Algorithm 2), clipping included. */
class AdamWTest {

    /** Gradient of Σ c·p is c; two steps with the same c. */
    @Test
    void twoStepsMatchTheFormula() {
        float[] p0 = {1f, -2f, 0.5f, 3f};
        float[] c = {0.3f, -0.1f, 2f, 0f};
        double lr = 0.01;
        double wd = 0.1;
        double clip = 1.0;
        AdamW.Config config = new AdamW.Config(0.9, 0.95, 1e-8, wd, clip);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray p = Tensors.of(m, p0, new Shape(2, 2));
            p.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w", p);
            try (AdamW adam = new AdamW(m, params, config)) {
                double[] expected = new double[4];
                double[] mom = new double[4];
                double[] vel = new double[4];
                for (int i = 0; i < 4; i++) {
                    expected[i] = p0[i];
                }
                double norm = 0;
                for (float ci : c) {
                    norm += ci * ci;
                }
                norm = Math.sqrt(norm);
                double scale = norm > clip ? clip / (norm + 1e-6) : 1;
                for (int step = 1; step <= 2; step++) {
                    try (NDManager s = m.newSubManager();
                         GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        gc.backward(p.mul(Tensors.of(s, c, new Shape(2, 2))).sum());
                    }
                    assertEquals(norm, adam.step(params, lr), 1e-6);
                    for (int i = 0; i < 4; i++) {
                        double g = c[i] * scale;
                        mom[i] = 0.9 * mom[i] + 0.1 * g;
                        vel[i] = 0.95 * vel[i] + 0.05 * g * g;
                        double mh = mom[i] / (1 - Math.pow(0.9, step));
                        double vh = vel[i] / (1 - Math.pow(0.95, step));
                        expected[i] = expected[i] * (1 - lr * wd) - lr * mh / (Math.sqrt(vh) + 1e-8);
                    }
                    float[] got = p.toFloatArray();
                    for (int i = 0; i < 4; i++) {
                        assertEquals(expected[i], got[i], 1e-6, "step " + step + " element " + i);
                    }
                    assertArrayEquals(new float[4], p.getGradient().toFloatArray(), 0f, "gradients zeroed after the step");
                }
                assertEquals(2, adam.steps());
            }
        }
    }
}
