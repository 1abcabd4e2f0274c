package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.testing.Shared;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FfnPcaTest {

    /**
     * Parity with the fixtures' PCA of layer 2 (torch float64 SVD, stored as float32). Our covariance
     * is a float32 GEMM of 176 float32 rows, so entries carry ~1e-7 relative error; the eigenvectors
     * then move by about eps·λ_max/gap, and the smallest gap among the top 8 of these random 64-d
     * spectra is ~1e-2 of λ_max, giving ~1e-5: 1e-4 leaves a margin yet catches any wrong centring,
     * ddof, orientation (W vs Wᵀ) or sign rule, which all move entries by 1e-2 or more.
     */
    @Test
    void matchesFixtureReferenceOnEveryFixture() throws Exception {
        for (String fixture : new String[] {"tiny-llama", "tiny-llama3-gqa", "tiny-mistral-sharded", "tiny-qwen2"}) {
            Path dir = Shared.fixture(fixture);
            float[] explained = Safetensors.read(dir.resolve("expected.safetensors"), "layer2_ffn_pca_explained").data();
            float[][] comps = Safetensors.read(dir.resolve("expected.safetensors"), "layer2_ffn_pca_components").rows();
            LayerPca pca;
            try (NDManager m = NDManager.newBaseManager()) {
                // ModelWeights.ffnDown is down_proj.weight.T: [d_ff, d_model], one row per neuron
                NDArray w = Checkpoint.open(dir).weights().ffnDown(2, m);
                assertEquals(new Shape(176, 64), w.getShape());
                pca = FfnPca.decompose(w, 2, 8, PcaOptions.defaults());
            }
            assertEquals(8, pca.size());
            for (int i = 0; i < 8; i++) {
                assertEquals(explained[i], pca.explained()[i], 1e-5, fixture + " explained[" + i + "]");
                for (int j = 0; j < 64; j++) {
                    assertEquals(comps[i][j], pca.components()[i][j], 1e-4, fixture + " component " + i + " entry " + j);
                }
            }
        }
    }

    /** Rows ±s_i·u_i: covariance 2·Σ s_i² u_i u_iᵀ / (n−1), so components and ratios are known exactly. */
    @Test
    void exactAndRandomizedRecoverAKnownSpectrum() {
        int d = 200;
        int comps = 12;
        double[][] u = orthonormalRows(comps, d, new Random(7));
        double[] s = new double[comps];
        double sumSq = 0;
        for (int i = 0; i < comps; i++) {
            s[i] = 10.0 / (i + 1);
            sumSq += s[i] * s[i];
        }
        float[] rows = new float[2 * comps * d];
        for (int i = 0; i < comps; i++) {
            for (int j = 0; j < d; j++) {
                rows[(2 * i) * d + j] = (float) (s[i] * u[i][j]);
                rows[(2 * i + 1) * d + j] = (float) (-s[i] * u[i][j]);
            }
        }
        for (PcaOptions.Method method : PcaOptions.Method.values()) {
            LayerPca pca;
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray w = m.create(rows, new Shape(2L * comps, d));
                pca = FfnPca.decompose(w, 0, 5, PcaOptions.defaults().withMethod(method).withOversample(5).withPowerIterations(4));
            }
            assertEquals(method == PcaOptions.Method.RANDOMIZED, pca.method().startsWith("randomized"), pca.method());
            for (int i = 0; i < 5; i++) {
                double expectedVar = 2 * s[i] * s[i] / (2 * comps - 1.0);
                assertEquals(expectedVar, pca.variances()[i], 1e-4 * expectedVar, method + " variance " + i);
                assertEquals(s[i] * s[i] / sumSq, pca.explained()[i], 1e-5, method + " ratio " + i);
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += pca.components()[i][j] * u[i][j];
                }
                assertEquals(1.0, Math.abs(dot), 1e-5, method + " component " + i);
            }
        }
    }

    @Test
    void componentsAreSignedByTheirLargestEntry() {
        double[] v = FfnPca.signed(new double[] {0.3, -0.9, 0.2});
        assertEquals(0.9, v[1], 0);
        assertEquals(-0.3, v[0], 0);
    }

    @Test
    void moreComponentsThanTheRankAreClampedWithAWarning() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(5, 64));
            LayerPca pca = FfnPca.decompose(w, 3, 10, PcaOptions.defaults());
            assertEquals(4, pca.size(), "5 centred rows span at most 4 directions");
            assertEquals(10, pca.requested());
            assertTrue(pca.warnings().get(0).contains("rank at most 4"), pca.warnings().toString());
        }
    }

    @Test
    void rejectsNonMatrixInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(4, 4, 4));
            FfnException e = assertThrows(FfnException.class, () -> FfnPca.decompose(w, 1, 2, PcaOptions.defaults()));
            assertTrue(e.getMessage().contains("layer 1"), e.getMessage());
            NDArray flat = m.zeros(new Shape(10, 4));
            FfnException zero = assertThrows(FfnException.class, () -> FfnPca.decompose(flat, 2, 2, PcaOptions.defaults()));
            assertTrue(zero.getMessage().contains("zero variance"), zero.getMessage());
        }
    }

    /** Gram–Schmidt on Gaussian rows, an orthonormal set independent of the code under test. */
    static double[][] orthonormalRows(int k, int d, Random rng) {
        double[][] u = new double[k][d];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < d; j++) {
                u[i][j] = rng.nextGaussian();
            }
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += u[i][j] * u[p][j];
                }
                for (int j = 0; j < d; j++) {
                    u[i][j] -= dot * u[p][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += u[i][j] * u[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                u[i][j] /= norm;
            }
        }
        return u;
    }
}
