package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The factored Frobenius norms against the d_model×d_model products formed explicitly. */
class HeadChangeTest {

    @Test
    void factoredNormsEqualTheExplicitProducts() {
        int heads = 2;
        int d = 6;
        int dh = 3;
        Random r = new Random(3);
        double[][][] q = rand(r, heads, d, dh);
        double[][][] k = rand(r, heads, d, dh);
        double[][][] qt = perturb(r, q, 0.01);
        double[][][] kt = perturb(r, k, 0.01);
        try (NDManager m = NDManager.newBaseManager()) {
            List<HeadChange> c = HeadChange.ofLayer(5, nd(m, q), nd(m, k), nd(m, qt), nd(m, kt));
            for (int h = 0; h < heads; h++) {
                double base = 0;
                double delta = 0;
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        double mb = 0;
                        double mt = 0;
                        for (int a = 0; a < dh; a++) {
                            mb += q[h][i][a] * k[h][j][a];
                            mt += qt[h][i][a] * kt[h][j][a];
                        }
                        base += mb * mb;
                        delta += (mt - mb) * (mt - mb);
                    }
                }
                assertEquals(5, c.get(h).layer());
                assertEquals(h, c.get(h).head());
                // inputs are float32, so compare with the float32-rounded explicit result's scale
                assertEquals(Math.sqrt(base), c.get(h).baseNorm(), 1e-5 * Math.sqrt(base));
                assertEquals(Math.sqrt(delta), c.get(h).deltaNorm(), 1e-3 * Math.sqrt(delta));
            }
        }
    }

    @Test
    void anUnchangedHeadHasZeroChange() {
        Random r = new Random(4);
        double[][][] q = rand(r, 1, 4, 2);
        double[][][] k = rand(r, 1, 4, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            HeadChange c = HeadChange.ofLayer(0, nd(m, q), nd(m, k), nd(m, q), nd(m, k)).get(0);
            assertEquals(0.0, c.deltaNorm());
            assertEquals(0.0, c.relative());
        }
    }

    static double[][][] rand(Random r, int a, int b, int c) {
        double[][][] x = new double[a][b][c];
        for (double[][] p : x) {
            for (double[] row : p) {
                for (int i = 0; i < c; i++) {
                    row[i] = (float) r.nextGaussian();     // float32-representable
                }
            }
        }
        return x;
    }

    static double[][][] perturb(Random r, double[][][] x, double eps) {
        double[][][] y = new double[x.length][x[0].length][x[0][0].length];
        for (int a = 0; a < x.length; a++) {
            for (int b = 0; b < x[0].length; b++) {
                for (int c = 0; c < x[0][0].length; c++) {
                    y[a][b][c] = (float) (x[a][b][c] + eps * r.nextGaussian());
                }
            }
        }
        return y;
    }

    static NDArray nd(NDManager m, double[][][] x) {
        float[] flat = new float[x.length * x[0].length * x[0][0].length];
        int p = 0;
        for (double[][] a : x) {
            for (double[] b : a) {
                for (double v : b) {
                    flat[p++] = (float) v;
                }
            }
        }
        return m.create(flat, new Shape(x.length, x[0].length, x[0][0].length));
    }
}
