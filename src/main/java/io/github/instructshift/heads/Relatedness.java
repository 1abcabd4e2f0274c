package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Whether two words are related: the cosine of their word vectors exceeds both words' thresholds,
 * a word's threshold being mean + 1.96·std (population std, as numpy's default) of its cosines to
 * the {@code baseline} most frequent words that have a vector.
 *
 * <p>Holds the unit vectors {@code [words, dim]} and thresholds {@code [words]} as NDArrays in its own
 * manager so the per-layer pair search can gather from them; close it when done. A word without a
 * vector gets a zero vector and an infinite threshold, so it is never related to anything (the
 * authors' GloVe encoder gave such words a zero vector, which has the same effect).
 */
public final class Relatedness implements AutoCloseable {

    /** 97.5th percentile of the standard normal: the one-sided 2.5% cut the paper uses. */
    public static final double Z = 1.96;

    private final NDManager manager;
    private final NDArray unit;
    private final NDArray thresholdArray;
    private final float[] thresholds;
    private final boolean[] hasVector;
    private final String description;

    private Relatedness(NDManager manager, NDArray unit, float[] thresholds, boolean[] hasVector, String description) {
        this.manager = manager;
        this.unit = unit;
        this.thresholds = thresholds;
        this.hasVector = hasVector;
        this.description = description;
        this.thresholdArray = manager.create(thresholds);
    }

    /**
     * From explicit vectors (null = no vector). Thresholds from the first {@code baseline} words
     * that have a vector.
     */
    public static Relatedness of(float[][] vectors, int baseline, String description, NDManager parent) {
        int n = vectors.length;
        int dim = -1;
        boolean[] has = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (vectors[i] != null) {
                if (dim >= 0 && vectors[i].length != dim) {
                    throw new HeadsException("word vector " + i + " has dimension " + vectors[i].length
                            + ", the others " + dim);
                }
                dim = vectors[i].length;
                has[i] = true;
            }
        }
        if (dim < 0) {
            throw new HeadsException("none of the " + n + " words has a word vector (" + description + ")");
        }
        float[] flat = new float[n * dim];
        for (int i = 0; i < n; i++) {
            if (vectors[i] != null) {
                System.arraycopy(vectors[i], 0, flat, i * dim, dim);
            }
        }
        NDManager m = parent.newSubManager();
        try {
            NDArray raw = m.create(flat, new ai.djl.ndarray.types.Shape(n, dim));
            return fromRaw(m, raw, has, baseline, description);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** From a {@code [words, dim]} matrix in which every word has a vector (e.g. model embeddings). */
    public static Relatedness of(NDArray vectors, int baseline, String description, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            NDArray raw = vectors.toType(DataType.FLOAT32, true);
            raw.attach(m);
            boolean[] has = new boolean[(int) raw.getShape().get(0)];
            java.util.Arrays.fill(has, true);
            return fromRaw(m, raw, has, baseline, description);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** With thresholds given directly: for hand-built cases whose expected pairs are worked out on paper. */
    public static Relatedness withThresholds(float[][] vectors, float[] thresholds, NDManager parent) {
        Relatedness r = of(vectors, vectors.length, "explicit thresholds", parent);
        NDManager m = r.manager;
        float[] t = thresholds.clone();
        for (int i = 0; i < t.length; i++) {
            if (!r.hasVector[i]) {
                t[i] = Float.POSITIVE_INFINITY;
            }
        }
        r.thresholdArray.close();
        return new Relatedness(m, r.unit, t, r.hasVector, "explicit thresholds");
    }

    private static Relatedness fromRaw(NDManager m, NDArray raw, boolean[] has, int baseline, String description) {
        int n = has.length;
        // unit rows; zero rows stay zero (norm clamped away from 0)
        NDArray norms = raw.norm(new int[] {1}, true).maximum(1e-12f);
        NDArray unit = raw.div(norms);
        norms.close();
        raw.close();
        int[] base = new int[Math.min(baseline, n)];
        int count = 0;
        for (int i = 0; i < n && count < base.length; i++) {
            if (has[i]) {
                base[count++] = i;
            }
        }
        long[] baseIdx = new long[count];
        for (int i = 0; i < count; i++) {
            baseIdx[i] = base[i];
        }
        float[] thresholds = new float[n];
        try (NDManager sub = m.newSubManager()) {
            unit.tempAttach(sub);
            NDArray b = unit.get(new NDIndex("{}", sub.create(baseIdx)));       // [B, dim]
            NDArray bt = b.transpose();
            int chunk = 4096;                                                   // bounds the [chunk, B] block
            for (int start = 0; start < n; start += chunk) {
                int end = Math.min(n, start + chunk);
                try (NDManager block = sub.newSubManager()) {
                    NDArray rows = unit.get(start + ":" + end);
                    rows.attach(block);
                    NDArray cos = rows.matMul(bt).toType(DataType.FLOAT64, false);
                    double[] mean = cos.mean(new int[] {1}).toDoubleArray();
                    double[] var = cos.sub(cos.mean(new int[] {1}, true)).square().mean(new int[] {1}).toDoubleArray();
                    for (int i = start; i < end; i++) {
                        thresholds[i] = has[i]
                                ? (float) (mean[i - start] + Z * Math.sqrt(var[i - start]))
                                : Float.POSITIVE_INFINITY;
                    }
                }
            }
        }
        return new Relatedness(m, unit, thresholds, has, description + ", thresholds from the top "
                + count + " words");
    }

    public int size() {
        return thresholds.length;
    }

    public float threshold(int word) {
        return thresholds[word];
    }

    public boolean hasVector(int word) {
        return hasVector[word];
    }

    /** Cosine of two words' vectors (0 when either has none). */
    public float cosine(int a, int b) {
        try (NDManager sub = manager.newSubManager()) {
            unit.tempAttach(sub);
            return unit.get(a).dot(unit.get(b)).getFloat();
        }
    }

    /** Whether the two words pass the relatedness test. */
    public boolean related(int a, int b) {
        float c = cosine(a, b);
        return c > thresholds[a] && c > thresholds[b] && c > 0;
    }

    /** {@code [words, dim]} unit vectors, owned by this object. */
    NDArray unitVectors() {
        return unit;
    }

    /** {@code [words]} thresholds, owned by this object. */
    NDArray thresholdVector() {
        return thresholdArray;
    }

    public int dim() {
        return (int) unit.getShape().get(1);
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        manager.close();
    }
}
