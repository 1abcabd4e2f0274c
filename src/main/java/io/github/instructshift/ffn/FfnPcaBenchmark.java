package io.github.instructshift.ffn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Seconds per layer of {@link FfnPca} on a synthetic FFN matrix, against a full SVD of the same
 * matrix in the same run. The lead hooks {@link #run} into a {@code bench} command; {@link #main}
 * takes {@code [n d r [fullN fullD]]}.
 *
 * <p>The matrix is Gaussian with column scales (j+1)^-1/2, a slowly decaying spectrum like trained
 * weights (a flat Marchenko–Pastur spectrum would be the worst case for any top-R method). The full
 * SVD (Commons Math, one core) is run on a smaller {@code fullN × fullD} matrix when asked, where the
 * randomized, exact-covariance and full-SVD routes are all timed and compared.
 */
public final class FfnPcaBenchmark {
    private FfnPcaBenchmark() {}

    /**
     * @param secondsRandomized  FfnPca with the randomized method at n × d
     * @param secondsCovEigen    FfnPca with the exact covariance eigen-decomposition at the comparison size (NaN if not run)
     * @param secondsFullSvd     full Commons Math SVD of the centred matrix at the comparison size (NaN if not run)
     * @param secondsRandomizedSmall randomized at the comparison size
     * @param maxAngleDegrees    largest principal angle between the randomized and full-SVD top-R subspaces
     * @param maxRelVarianceError largest relative error of the top-R variances against the full SVD
     */
    public record Result(int n, int d, int r, double secondsRandomized, double cpuSecondsRandomized, String method, int fullN, int fullD, int fullR,
                         double secondsRandomizedSmall, double secondsCovEigen, double secondsFullSvd,
                         double maxAngleDegrees, double maxRelVarianceError) {
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "ffn-pca %dx%d R=%d: %.2f s/layer wall, %.2f s process CPU (%s)%n",
                    n, d, r, secondsRandomized, cpuSecondsRandomized, method));
            if (fullN > 0) {
                sb.append(String.format(Locale.ROOT,
                        "ffn-pca %dx%d R=%d: randomized %.2f s, covariance eigen %.2f s, full SVD %.2f s; "
                                + "full SVD / randomized = %.1fx; max principal angle %.3g deg, max rel variance error %.3g%n",
                        fullN, fullD, fullR, secondsRandomizedSmall, secondsCovEigen, secondsFullSvd,
                        secondsFullSvd / secondsRandomizedSmall, maxAngleDegrees, maxRelVarianceError));
            }
            return sb.toString();
        }
    }

    public static Result run(int n, int d, int r, int fullN, int fullD) {
        double tRand;
        double cpu;
        String method;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] data = synthetic(n, d, 1);
            try (NDManager layer = m.newSubManager()) {
                NDArray w = layer.create(data, new Shape(n, d));
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                LayerPca pca = FfnPca.decompose(w, 0, r, PcaOptions.defaults().withMethod(PcaOptions.Method.RANDOMIZED));
                tRand = (System.nanoTime() - t0) / 1e9;
                cpu = (cpuNanos() - c0) / 1e9;
                method = pca.method();
            }
        }
        if (fullN <= 0) {
            return new Result(n, d, r, tRand, cpu, method, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int fullR = Math.max(1, Math.min(r, fullD / 4));
        float[] data = synthetic(fullN, fullD, 2);
        LayerPca rand;
        double tSmall;
        double tCov;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(data, new Shape(fullN, fullD));
            long t0 = System.nanoTime();
            rand = FfnPca.decompose(w, 0, fullR, PcaOptions.defaults().withMethod(PcaOptions.Method.RANDOMIZED)
                    .withOversample(fullR));
            tSmall = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            FfnPca.decompose(w, 0, fullR, PcaOptions.defaults().withMethod(PcaOptions.Method.EXACT));
            tCov = (System.nanoTime() - t0) / 1e9;
        }
        long t0 = System.nanoTime();
        double[][] centred = new double[fullN][fullD];
        double[] mean = new double[fullD];
        for (int i = 0; i < fullN; i++) {
            for (int j = 0; j < fullD; j++) {
                mean[j] += data[i * fullD + j] / (double) fullN;
            }
        }
        for (int i = 0; i < fullN; i++) {
            for (int j = 0; j < fullD; j++) {
                centred[i][j] = data[i * fullD + j] - mean[j];
            }
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(centred, false));
        double[] sv = svd.getSingularValues();
        RealMatrix v = svd.getV();
        double tFull = (System.nanoTime() - t0) / 1e9;

        double maxRel = 0;
        double[][] exact = new double[fullR][];
        for (int i = 0; i < fullR; i++) {
            double var = sv[i] * sv[i] / (fullN - 1.0);
            maxRel = Math.max(maxRel, Math.abs(rand.variances()[i] - var) / var);
            exact[i] = v.getColumn(i);
        }
        double[] angles = SubspaceRotation.principalAnglesDegrees(exact, rand.components());
        double maxAngle = 0;
        for (double a : angles) {
            maxAngle = Math.max(maxAngle, a);
        }
        return new Result(n, d, r, tRand, cpu, method, fullN, fullD, fullR, tSmall, tCov, tFull, maxAngle, maxRel);
    }

    /** CPU time of the whole process (PyTorch's threads included): the 2-core machine is shared, so wall time alone misleads. */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
    }

    static float[] synthetic(int n, int d, long seed) {
        Random rng = new Random(seed);
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) (rng.nextGaussian() / Math.sqrt(j + 1.0) * 0.02);
            }
        }
        return out;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 11008;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int r = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int fullN = args.length > 3 ? Integer.parseInt(args[3]) : 1376;
        int fullD = args.length > 4 ? Integer.parseInt(args[4]) : 512;
        System.out.print(run(n, d, r, fullN, fullD).describe());
    }
}
