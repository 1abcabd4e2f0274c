package io.github.instructshift.ffn;

/**
 * How {@link FfnPca} computes the top components.
 *
 * @param method          exact, randomized, or auto (exact while d_model ≤ {@code exactMaxDims} or the sketch would cover d_model)
 * @param oversample      extra sketch columns beyond R for the randomized method
 * @param powerIterations subspace iterations on the covariance for the randomized method
 * @param seed            seed of the Gaussian sketch, so runs are reproducible
 * @param exactMaxDims    largest d_model that {@code AUTO} decomposes exactly
 */
public record PcaOptions(Method method, int oversample, int powerIterations, long seed, int exactMaxDims) {

    public enum Method { AUTO, EXACT, RANDOMIZED }

    public PcaOptions {
        if (oversample < 0 || powerIterations < 0 || exactMaxDims < 1) {
            throw new FfnException("PcaOptions: oversample and powerIterations must be >= 0 and exactMaxDims >= 1, got "
                    + oversample + ", " + powerIterations + ", " + exactMaxDims);
        }
    }

    /** 300 extra sketch columns (2R for the paper's R = 300) and 8 iterations: see FfnPcaBenchmark for the accuracy this buys. */
    public static PcaOptions defaults() {
        return new PcaOptions(Method.AUTO, 300, 8, 20240601L, 768);
    }

    public PcaOptions withMethod(Method m) {
        return new PcaOptions(m, oversample, powerIterations, seed, exactMaxDims);
    }

    public PcaOptions withOversample(int o) {
        return new PcaOptions(method, o, powerIterations, seed, exactMaxDims);
    }

    public PcaOptions withPowerIterations(int q) {
        return new PcaOptions(method, oversample, q, seed, exactMaxDims);
    }
}
