package io.github.instructshift.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.ffn.FfnPca;
import io.github.instructshift.ffn.FfnPcaBenchmark;
import io.github.instructshift.ffn.LayerPca;
import io.github.instructshift.ffn.PcaOptions;
import io.github.instructshift.ffn.SubspaceRotation;
import io.github.instructshift.model.Checkpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code instruct-shift bench ffn}: the FFN PCA of Finding 3. On a synthetic layer ({@link FfnPcaBenchmark};
 * LLaMA-7B's 11008 x 4096 by default): the randomized method at full size, and at a comparison size the
 * randomized method, the exact covariance eigen-decomposition and a full SVD, with the ratios and the
 * randomized method's accuracy. With {@code --model DIR}: randomized against exact on that checkpoint's
 * layer, in the same run.
 */
@Command(name = "ffn", mixinStandardHelpOptions = true,
        description = "Time randomized against exact FFN PCA (synthetic 7B-shaped layer, or a checkpoint's layer with --model).")
public final class BenchFfnCommand implements Callable<Integer> {
    @Option(names = "--n", defaultValue = "11008", description = "rows (d_ff) of the synthetic layer (default ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--d", defaultValue = "4096", description = "columns (d_model) of the synthetic layer (default ${DEFAULT-VALUE})")
    int d;

    @Option(names = "--r", defaultValue = "300", description = "components R (default ${DEFAULT-VALUE}, as in the paper)")
    int r;

    @Option(names = "--full-n", defaultValue = "1376", description = "rows at the comparison size, 0 = no comparison (default ${DEFAULT-VALUE})")
    int fullN;

    @Option(names = "--full-d", defaultValue = "512", description = "columns at the comparison size (default ${DEFAULT-VALUE})")
    int fullD;

    @Option(names = "--model", paramLabel = "DIR", description = "time a checkpoint's layer instead of a synthetic one")
    Path model;

    @Option(names = "--layer", defaultValue = "0", description = "layer of --model (default ${DEFAULT-VALUE})")
    int layer;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (r < 1 || n < 2 || d < 1 || fullN < 0 || (fullN > 0 && (fullN < 2 || fullD < 1))) {
            throw new IllegalArgumentException("need --r >= 1, --n >= 2, --d >= 1 and a comparison size of at least 2 x 1 (or --full-n 0)");
        }
        Map<String, Object> out = model != null ? checkpointLayer() : synthetic();
        BenchCommand.print(out, json, System.out, model != null
                ? "exact_over_randomized = exact seconds / randomized seconds on the same layer, same run"
                : "exact_over_randomized = covariance eigen seconds / randomized seconds, full_svd_over_randomized likewise, "
                + "both at the comparison size in the same run");
        return 0;
    }

    private Map<String, Object> synthetic() {
        FfnPcaBenchmark.Result res = FfnPcaBenchmark.run(n, d, r, fullN, fullD);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("layer_shape", n + " x " + d);
        o.put("components", r);
        o.put("randomized_seconds", res.secondsRandomized());
        o.put("randomized_cpu_seconds", res.cpuSecondsRandomized());
        o.put("method", res.method());
        if (res.fullN() > 0) {
            o.put("comparison_shape", res.fullN() + " x " + res.fullD());
            o.put("comparison_components", res.fullR());
            o.put("comparison_randomized_seconds", res.secondsRandomizedSmall());
            o.put("comparison_exact_seconds", res.secondsCovEigen());
            o.put("comparison_full_svd_seconds", res.secondsFullSvd());
            o.put("exact_over_randomized", res.secondsCovEigen() / res.secondsRandomizedSmall());
            o.put("full_svd_over_randomized", res.secondsFullSvd() / res.secondsRandomizedSmall());
            o.put("max_principal_angle_deg", res.maxAngleDegrees());
            o.put("max_rel_variance_error", res.maxRelVarianceError());
        }
        return o;
    }

    private Map<String, Object> checkpointLayer() {
        Checkpoint ckpt = Checkpoint.open(model);
        if (layer < 0 || layer >= ckpt.config().numLayers()) {
            throw new IllegalArgumentException("--layer " + layer + " is not a layer of " + model + " (0.."
                    + (ckpt.config().numLayers() - 1) + ")");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = ckpt.weights().ffnDown(layer, m);
            PcaOptions base = PcaOptions.defaults();
            FfnPca.decompose(w, layer, r, base.withMethod(PcaOptions.Method.RANDOMIZED));    // warm-up
            long t0 = System.nanoTime();
            LayerPca rand = FfnPca.decompose(w, layer, r, base.withMethod(PcaOptions.Method.RANDOMIZED));
            double tRand = BenchCommand.seconds(t0);
            t0 = System.nanoTime();
            LayerPca exact = FfnPca.decompose(w, layer, r, base.withMethod(PcaOptions.Method.EXACT));
            double tExact = BenchCommand.seconds(t0);
            double[] angles = SubspaceRotation.principalAnglesDegrees(exact.components(), rand.components());
            double maxAngle = 0;
            for (double a : angles) {
                maxAngle = Math.max(maxAngle, a);
            }
            double maxRel = 0;
            for (int i = 0; i < Math.min(exact.size(), rand.size()); i++) {
                maxRel = Math.max(maxRel, Math.abs(rand.variances()[i] - exact.variances()[i]) / exact.variances()[i]);
            }
            o.put("model", ckpt.dir().toString());
            o.put("layer", layer);
            o.put("layer_shape", rand.rows() + " x " + rand.dims());
            o.put("components", rand.size());
            o.put("randomized_seconds", tRand);
            o.put("randomized_method", rand.method());
            o.put("exact_seconds", tExact);
            o.put("exact_over_randomized", tExact / tRand);
            o.put("max_principal_angle_deg", maxAngle);
            o.put("max_rel_variance_error", maxRel);
        }
        return o;
    }
}
