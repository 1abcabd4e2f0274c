package io.github.instructshift.ffn;

import java.util.List;

/**
 * The top principal components of one layer's FFN value vectors.
 *
 * @param layer          decoder layer (0-based)
 * @param rows           FFN neurons (d_ff), the samples of the PCA
 * @param dims           d_model, the variables of the PCA
 * @param requested      components asked for
 * @param variances      variance along each kept component (eigenvalues of the covariance, ddof 1), largest first
 * @param explained      {@code variances / totalVariance}: the explained-variance ratios
 * @param components     {@code [kept][dims]} unit components, each signed so its largest-magnitude entry is positive
 * @param totalVariance  trace of the covariance, so that ratios are against all d_model directions
 * @param method         {@code exact} or {@code randomized(k=…, q=…)}: how they were computed
 * @param warnings       anything the caller should know, e.g. that {@code requested} was clamped to the rank
 */
public record LayerPca(int layer, int rows, int dims, int requested, double[] variances, double[] explained,
                       double[][] components, double totalVariance, String method, List<String> warnings) {

    public int size() {
        return components.length;
    }
}
