package io.github.instructshift.model;

/**
 * Rotary position embedding parameters, from either the classic {@code rope_theta}/{@code rope_scaling}
 * fields or the newer {@code rope_parameters} block of {@code config.json}.
 *
 * @param theta                  base of the geometric frequency ladder
 * @param type                   {@code default}, {@code linear} or {@code llama3}
 * @param factor                 scaling factor (1 when unscaled)
 * @param lowFreqFactor          llama3 only
 * @param highFreqFactor         llama3 only
 * @param originalMaxPositions   llama3 only: the context length before scaling
 */
public record RopeConfig(double theta, String type, double factor, double lowFreqFactor,
                         double highFreqFactor, int originalMaxPositions) {

    public static RopeConfig plain(double theta) {
        return new RopeConfig(theta, "default", 1.0, 0, 0, 0);
    }

    /**
     * The inverse frequencies of the {@code headDim / 2} rotation planes, as transformers computes
     * them ({@code _compute_default_rope_parameters} and {@code _compute_llama3_parameters}).
     */
    public double[] inverseFrequencies(int headDim) {
        int half = headDim / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        }
        switch (type) {
            case "default" -> { }
            case "linear" -> {
                for (int i = 0; i < half; i++) {
                    inv[i] /= factor;
                }
            }
            case "llama3" -> {
                double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
                double highFreqWavelen = originalMaxPositions / highFreqFactor;
                for (int i = 0; i < half; i++) {
                    double wavelen = 2 * Math.PI / inv[i];
                    if (wavelen > lowFreqWavelen) {
                        inv[i] /= factor;
                    } else if (wavelen >= highFreqWavelen) {
                        double smooth = (originalMaxPositions / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
                    }
                }
            }
            default -> throw new IllegalArgumentException("unsupported rope type '" + type
                    + "' (supported: default, linear, llama3)");
        }
        return inv;
    }
}
