package io.github.instructshift.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.organism.OrganismException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far tuning moved the weights: ‖W_tuned − W_base‖ / ‖W_base‖ (Frobenius) for every weight matrix,
 * its mean and maximum. Vicuna is a light fine-tune of LLaMA, and the paper's before/after comparisons
 * of one head or one component assume the organism is one too.
 */
public record WeightDrift(Map<String, Double> perMatrix, double mean, double max, String maxMatrix) {

    public static WeightDrift measure(Path base, Path tuned) {
        Map<String, Double> per = new LinkedHashMap<>();
        try (CausalLM b = CausalLM.loadForTraining(Checkpoint.open(base), Device.cpu());
             CausalLM t = CausalLM.loadForTraining(Checkpoint.open(tuned), Device.cpu())) {
            Map<String, NDArray> tp = t.parameters();
            for (Map.Entry<String, NDArray> e : b.parameters().entrySet()) {
                if (e.getValue().getShape().dimension() != 2) {
                    continue;                      // norms' gains are vectors, not matrices
                }
                NDArray other = tp.get(e.getKey());
                if (other == null || !other.getShape().equals(e.getValue().getShape())) {
                    throw new OrganismException(tuned + ": weight " + e.getKey() + " is missing or has another shape than in " + base);
                }
                // on the JVM heap: no NDArray is created, so none can outlive the loop
                float[] w = e.getValue().toFloatArray();
                float[] v = other.toFloatArray();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < w.length; i++) {
                    diff += (double) (v[i] - w[i]) * (v[i] - w[i]);
                    norm += (double) w[i] * w[i];
                }
                per.put(e.getKey(), Math.sqrt(diff / norm));
            }
        }
        double mean = per.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        var top = per.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow(
                () -> new OrganismException(base + ": no weight matrices"));
        return new WeightDrift(Map.copyOf(per), mean, top.getValue(), top.getKey());
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("matrices", perMatrix.size());
        m.put("mean_relative_change", mean);
        m.put("max_relative_change", max);
        m.put("max_matrix", maxMatrix);
        return m;
    }
}
