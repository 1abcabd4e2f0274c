package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubspaceRotationTest {

    @Test
    void principalAnglesOfAHandRotatedPlane() {
        double th = Math.toRadians(30);
        double[][] a = {{1, 0, 0, 0}, {0, 1, 0, 0}};
        double[][] b = {{0, Math.cos(th), Math.sin(th), 0}, {1, 0, 0, 0}};
        assertArrayEquals(new double[] {0, 30}, SubspaceRotation.principalAnglesDegrees(a, b), 1e-9);
        double[][] orthogonal = {{0, 0, 1, 0}, {0, 0, 0, 1}};
        assertArrayEquals(new double[] {90, 90}, SubspaceRotation.principalAnglesDegrees(a, orthogonal), 1e-9);
    }

    @Test
    void hungarianBeatsGreedyWhereGreedyFails() {
        // greedy takes 0.9 then is left with 0.1 (total 1.0); the optimum pairs crosswise (1.65)
        double[][] w = {{0.9, 0.8}, {0.85, 0.1}};
        assertArrayEquals(new int[] {1, 0}, SubspaceRotation.maxWeightMatching(w));
    }

    @Test
    void hungarianIsOptimalAgainstBruteForce() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 6;
            double[][] w = new double[n][n];
            for (double[] row : w) {
                for (int j = 0; j < n; j++) {
                    row[j] = rng.nextDouble();
                }
            }
            int[] m = SubspaceRotation.maxWeightMatching(w);
            double got = 0;
            for (int i = 0; i < n; i++) {
                got += w[i][m[i]];
            }
            assertEquals(best(w, 0, new boolean[n]), got, 1e-12, "trial " + trial);
        }
    }

    private static double best(double[][] w, int row, boolean[] used) {
        if (row == w.length) {
            return 0;
        }
        double b = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < w.length; j++) {
            if (!used[j]) {
                used[j] = true;
                b = Math.max(b, w[row][j] + best(w, row + 1, used));
                used[j] = false;
            }
        }
        return b;
    }

    @Test
    void moreRowsThanColumnsLeavesOneUnmatched() {
        int[] m = SubspaceRotation.maxWeightMatching(new double[][] {{0.1, 0.2}, {0.9, 0.3}, {0.2, 0.8}});
        assertArrayEquals(new int[] {-1, 0, 1}, m);
    }

    @Test
    void compareMatchesSwappedComponentsAndListsWordChanges() {
        double s = Math.sqrt(0.5);
        LayerPca base = pca(new double[][] {{1, 0, 0}, {0, 1, 0}});
        // tuned: the first component is base's second, the second is base's first tilted by 45° toward e3
        LayerPca tuned = pca(new double[][] {{0, 1, 0}, {s, 0, s}});
        SubspaceRotation.LayerRotation r = SubspaceRotation.compare(base, tuned,
                List.of(List.of("cat", "dog", "cow"), List.of("red", "blue")),
                List.of(List.of("red", "green"), List.of("dog", "cat", "def")));
        assertArrayEquals(new double[] {0, 45}, r.anglesDegrees(), 1e-9);
        assertEquals(2, r.pairs().size());
        SubspaceRotation.Pair first = r.pairs().get(0);
        assertEquals(1, first.tunedRank());
        assertEquals(2, first.baseRank());
        assertEquals(1.0, first.absCosine(), 1e-12);
        assertEquals(List.of("green"), first.entered());
        assertEquals(List.of("blue"), first.left());
        SubspaceRotation.Pair second = r.pairs().get(1);
        assertEquals(1, second.baseRank());
        assertEquals(s, second.absCosine(), 1e-12);
        assertEquals(List.of("def"), second.entered());
        assertEquals(List.of("cow"), second.left());
        assertEquals(2, second.kept());
        assertEquals((0.5 + 2 / 3.0) / 2, r.meanWordOverlap(), 1e-12);
        assertEquals(22.5, r.meanAngle(), 1e-9);
    }

    private static LayerPca pca(double[][] comps) {
        return new LayerPca(0, 10, comps[0].length, comps.length, new double[comps.length], new double[comps.length],
                comps, 1, "test", List.of());
    }
}
