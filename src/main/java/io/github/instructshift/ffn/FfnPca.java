package io.github.instructshift.ffn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.NonSymmetricMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PCA of a layer's FFN value vectors (the rows of {@code down_proj.weight.T}, one per neuron), centred,
 * as in the paper and {@code make_fixtures.py}.
 *
 * <p>DJL 0.36.0 exposes no SVD, eigen or QR on {@code NDArray} (only {@code inverse}), so the heavy
 * products run in PyTorch through {@code matMul} and only small dense problems are solved in Java
 * (Commons Math): the d_model × d_model covariance is formed once in PyTorch; then either it is
 * eigen-decomposed exactly (small d_model), or a randomized subspace iteration on it (Halko, Martinsson
 * &amp; Tropp 2011, Alg. 4.4 with a Rayleigh–Ritz step) finds the top R directions with only
 * {@code [d, k]} products and {@code k × k} eigenproblems, k = R + oversample. The covariance's
 * eigenvectors are the right singular vectors of the centred matrix and its eigenvalues are
 * {@code s² / (n − 1)}, so this is the SVD the paper takes, restricted to the top R.
 *
 * <p>R larger than the layer's rank (at most {@code min(d_ff − 1, d_model)} after centring, less when
 * the covariance is numerically singular) is clamped to that rank, with a warning logged and recorded
 * in {@link LayerPca#warnings()}: the tiny fixtures (d_model 64) then still run with the paper's R = 300.
 */
public final class FfnPca {
    private static final Logger LOG = LoggerFactory.getLogger(FfnPca.class);
    /** float32 covariance: directions with a smaller eigenvalue than this × λ_max × d are noise. */
    private static final double FLOAT32_EPS = 1.2e-7;

    private FfnPca() {}

    /**
     * Top {@code r} components of the centred rows of {@code w} ({@code [n, d]}, any float type).
     * Works in a sub-manager of {@code w}'s manager and returns plain Java data only.
     */
    public static LayerPca decompose(NDArray w, int layer, int r, PcaOptions options) {
        if (w.getShape().dimension() != 2) {
            throw new FfnException("layer " + layer + ": expected a [d_ff, d_model] matrix, got shape " + w.getShape());
        }
        if (r < 1) {
            throw new FfnException("layer " + layer + ": the number of components must be >= 1, got " + r);
        }
        int n = Math.toIntExact(w.getShape().get(0));
        int d = Math.toIntExact(w.getShape().get(1));
        if (n < 2) {
            throw new FfnException("layer " + layer + ": PCA needs at least 2 rows (neurons), got " + n);
        }
        List<String> warnings = new ArrayList<>();
        int structural = Math.min(n - 1, d);
        int kept = r;
        if (r > structural) {
            kept = structural;
            warn(warnings, "layer " + layer + ": asked for " + r + " components but the centred " + n + " x " + d
                    + " matrix has rank at most " + structural + "; using " + structural);
        }
        try (NDManager sub = w.getManager().newSubManager()) {
            NDArray x = w.toType(DataType.FLOAT32, true);
            x.attach(sub);
            NDArray xc = x.sub(x.mean(new int[] {0}, true));
            // float32 GEMM for the n·d² product (the dominant cost), float64 from here on
            NDArray cov = xc.transpose().matMul(xc).toType(DataType.FLOAT64, false).div(n - 1.0);
            double total = xc.square().sum(new int[] {0}).toType(DataType.FLOAT64, false).sum().getDouble() / (n - 1.0);
            if (!(total > 0) || !Double.isFinite(total)) {
                throw new FfnException("layer " + layer + ": the FFN value vectors have "
                        + (Double.isFinite(total) ? "zero variance" : "non-finite entries") + "; no PCA possible");
            }
            int k = Math.min(d, kept + options.oversample());
            boolean exact = switch (options.method()) {
                case EXACT -> true;
                case RANDOMIZED -> k >= d; // a sketch that covers the space is the exact problem
                case AUTO -> d <= options.exactMaxDims() || k >= d;
            };
            Eigen eig;
            String method;
            if (exact) {
                eig = symmetricEigen(toMatrix(cov.toDoubleArray(), d, d));
                method = "exact";
            } else {
                eig = randomized(cov, d, k, options);
                method = "randomized(k=" + k + ",q=" + options.powerIterations() + ")";
            }
            double tol = eig.values[0] * d * FLOAT32_EPS;
            int numerical = 0;
            while (numerical < eig.values.length && eig.values[numerical] > tol) {
                numerical++;
            }
            if (numerical < kept) {
                warn(warnings, "layer " + layer + ": only " + numerical + " directions have variance above the float32 noise floor "
                        + String.format("%.3g", tol) + "; using " + numerical + " of the " + kept + " components");
                kept = numerical;
            }
            double[] variances = Arrays.copyOf(eig.values, kept);
            double[] explained = new double[kept];
            double[][] comps = new double[kept][];
            for (int i = 0; i < kept; i++) {
                explained[i] = variances[i] / total;
                comps[i] = signed(eig.vectors[i]);
            }
            return new LayerPca(layer, n, d, r, variances, explained, comps, total, method, List.copyOf(warnings));
        }
    }

    private static void warn(List<String> warnings, String message) {
        LOG.warn(message);
        warnings.add(message);
    }

    /** Flips {@code v} so that its largest-magnitude entry (the first, on ties) is positive. */
    static double[] signed(double[] v) {
        int arg = 0;
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i]) > Math.abs(v[arg])) {
                arg = i;
            }
        }
        if (v[arg] < 0) {
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = -v[i];
            }
            return out;
        }
        return v.clone();
    }

    /** Eigenvalues, largest first, and the matching unit eigenvectors as rows. */
    record Eigen(double[] values, double[][] vectors) {}

    static Eigen symmetricEigen(RealMatrix m) {
        int size = m.getRowDimension();
        // symmetrise: float rounding leaves tiny asymmetries that Commons Math would reject
        RealMatrix s = m.add(m.transpose()).scalarMultiply(0.5);
        EigenDecomposition ed = new EigenDecomposition(s);
        double[] vals = ed.getRealEigenvalues();
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(vals[b], vals[a]));
        double[] values = new double[size];
        double[][] vectors = new double[size][];
        for (int i = 0; i < size; i++) {
            values[i] = vals[order[i]];
            vectors[i] = ed.getEigenvector(order[i]).toArray();
        }
        return new Eigen(values, vectors);
    }

    private static Eigen randomized(NDArray cov, int d, int k, PcaOptions options) {
        NDManager m = cov.getManager();
        Random rng = new Random(options.seed());
        double[] omega = new double[d * k];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = rng.nextGaussian();
        }
        NDArray q = orthonormalise(m.create(omega, new Shape(d, k)));
        for (int it = 0; it < options.powerIterations(); it++) {
            q = orthonormalise(cov.matMul(q));
        }
        int cols = Math.toIntExact(q.getShape().get(1));
        NDArray small = q.transpose().matMul(cov.matMul(q));
        Eigen ritz = symmetricEigen(toMatrix(small.toDoubleArray(), cols, cols));
        // lift the Ritz vectors back: components = Q · V
        double[] v = new double[cols * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < cols; i++) {
                v[i * cols + j] = ritz.vectors[j][i];
            }
        }
        double[] lifted = q.matMul(m.create(v, new Shape(cols, cols))).transpose().toDoubleArray();
        double[][] vectors = new double[cols][];
        for (int j = 0; j < cols; j++) {
            vectors[j] = Arrays.copyOfRange(lifted, j * d, (j + 1) * d);
        }
        return new Eigen(ritz.values, vectors);
    }

    /**
     * Orthonormal basis of the columns of {@code y} ({@code [d, k]}, float64) without a QR in DJL:
     * CholeskyQR2 (Fukaya et al. 2014): Q = Y·R⁻¹ with RᵀR the Cholesky factorisation of the k × k
     * Gram matrix, done twice so the rounding of the first pass (which squares the condition number)
     * is corrected by the second. Subspace iteration keeps Y = C·Q well enough conditioned for that
     * (cond(Y) ≤ λ_1/λ_k); should the Cholesky still break down, the slower eigen route
     * Q = Y·V·S^(-1/2) takes over and drops the directions the Gram matrix cannot resolve.
     */
    static NDArray orthonormalise(NDArray y) {
        NDArray q = y;
        for (int pass = 0; pass < 2; pass++) {
            int k = Math.toIntExact(q.getShape().get(1));
            RealMatrix gram = toMatrix(q.transpose().matMul(q).toDoubleArray(), k, k);
            gram = gram.add(gram.transpose()).scalarMultiply(0.5);
            double scale = gram.getTrace() / k; // Commons Math's positivity threshold is absolute
            NDArray rInv = null;
            try {
                RealMatrix r = new CholeskyDecomposition(gram.scalarMultiply(1.0 / scale), 1e-8, 1e-14).getLT();
                double[] flat = new double[k * k];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        flat[i * k + j] = r.getEntry(i, j) * Math.sqrt(scale);
                    }
                }
                rInv = q.getManager().create(flat, new Shape(k, k)).inverse();
            } catch (NonPositiveDefiniteMatrixException | NonSymmetricMatrixException e) {
                rInv = null;
            }
            if (rInv == null || !allFinite(rInv)) {
                rInv = eigenWhitening(gram, q.getManager());
            }
            q = q.matMul(rInv);
        }
        return q;
    }

    private static boolean allFinite(NDArray a) {
        return !a.isNaN().any().getBoolean() && !a.isInfinite().any().getBoolean();
    }

    /** V·S^(-1/2) of the Gram matrix, keeping the directions above 1e-13 of the largest. */
    private static NDArray eigenWhitening(RealMatrix gram, NDManager manager) {
        int k = gram.getRowDimension();
        Eigen g = symmetricEigen(gram);
        int keep = 0;
        while (keep < k && g.values[keep] > g.values[0] * 1e-13) {
            keep++;
        }
        double[] t = new double[k * keep];
        for (int j = 0; j < keep; j++) {
            double scale = 1.0 / Math.sqrt(g.values[j]);
            for (int i = 0; i < k; i++) {
                t[i * keep + j] = g.vectors[j][i] * scale;
            }
        }
        return manager.create(t, new Shape(k, keep));
    }

    static RealMatrix toMatrix(double[] flat, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, a[i], 0, cols);
        }
        return new Array2DRowRealMatrix(a, false);
    }
}
