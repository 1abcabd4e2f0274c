package io.github.instructshift.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.instructshift.model.SafetensorsFile;
import io.github.instructshift.model.SafetensorsWriter;
import io.github.instructshift.organism.OrganismException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter) with global-norm gradient clipping, over named parameter arrays.
 * Weight decay applies to matrices only, not to norm weights. Runs outside any gradient collector,
 * updating parameters in place, then zeroes their gradients (PyTorch would accumulate them).
 */
public final class AdamW implements AutoCloseable {
    /** @param clipNorm largest global gradient norm; larger gradients are scaled down to it */
    public record Config(double beta1, double beta2, double epsilon, double weightDecay, double clipNorm) {
        public static Config defaults() {
            return new Config(0.9, 0.95, 1e-8, 0.1, 1.0);
        }
    }

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long steps;

    public AdamW(NDManager parent, Map<String, NDArray> parameters, Config config) {
        this.config = config;
        this.manager = parent.newSubManager();
        parameters.forEach((name, p) -> {
            first.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
            second.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
        });
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /**
     * One update with learning rate {@code lr} from the parameters' current gradients.
     *
     * @return the global gradient norm before clipping
     */
    public double step(Map<String, NDArray> parameters, double lr) {
        steps++;
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            double squares = 0;
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scope);
                grads.put(e.getKey(), g);
                NDArray sq = g.square().sum();
                squares += sq.getFloat();
            }
            double norm = Math.sqrt(squares);
            if (!Double.isFinite(norm)) {
                throw new OrganismException("the gradient norm is " + norm + " at step " + steps
                        + ": training diverged; lower the learning rate");
            }
            double scale = norm > config.clipNorm() ? config.clipNorm() / (norm + 1e-6) : 1.0;
            double b1 = config.beta1();
            double b2 = config.beta2();
            double correction1 = 1 - Math.pow(b1, steps);
            double correction2 = 1 - Math.pow(b2, steps);
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                String name = e.getKey();
                NDArray p = e.getValue();
                NDArray g = grads.get(name).mul(scale);
                NDArray m = first.get(name);
                NDArray v = second.get(name);
                m.muli(b1).addi(g.mul(1 - b1));
                v.muli(b2).addi(g.square().mul(1 - b2));
                NDArray mHat = m.div(correction1);
                mHat.attach(scope);
                NDArray vHat = v.div(correction2);
                vHat.attach(scope);
                NDArray update = mHat.div(vHat.sqrt().add(config.epsilon()));
                if (p.getShape().dimension() >= 2 && config.weightDecay() > 0) {
                    p.muli(1 - lr * config.weightDecay());     // decoupled decay, before the Adam step
                }
                p.subi(update.mul(lr));
                grads.get(name).muli(0);                       // PyTorch accumulates: start the next step at 0
            }
            return norm;
        }
    }

    /** Writes the moments and the step count, atomically, for resuming. */
    public void save(Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        first.forEach((n, a) -> tensors.put("m/" + n, new SafetensorsWriter.Tensor(a.getShape().getShape(), a.toFloatArray())));
        second.forEach((n, a) -> tensors.put("v/" + n, new SafetensorsWriter.Tensor(a.getShape().getShape(), a.toFloatArray())));
        tensors.put("steps", new SafetensorsWriter.Tensor(new long[] {1}, new float[] {steps}));
        SafetensorsWriter.write(file, tensors);
    }

    /** Restores what {@link #save} wrote. */
    public void load(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        try (NDManager scope = manager.newSubManager()) {
            for (String n : first.keySet()) {
                first.get(n).muli(0).addi(f.load("m/" + n, scope, DataType.FLOAT32));
                second.get(n).muli(0).addi(f.load("v/" + n, scope, DataType.FLOAT32));
            }
            steps = (long) f.load("steps", scope, DataType.FLOAT32).getFloat();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
