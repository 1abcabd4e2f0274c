package io.github.instructshift.attribution;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-computed cases of the paper's normalisation, density and score. */
class AttributionMathTest {

    @Test
    void levelsClipNegativesDivideByColumnMaxAndCeil() {
        // column 0: max 1 -> 10, 5, ceil(2.5)=3; column 1: nothing positive -> all 0;
        // column 2: max 3 -> 10, ceil(3.33)=4, negative -> 0
        double[][] raw = {{1, -2, 3}, {0.5, 0, 1}, {0.25, -1, -1}};
        double[][] levels = AttributionMath.levels(raw, 10);
        assertArrayEquals(new double[] {10, 0, 10}, levels[0]);
        assertArrayEquals(new double[] {5, 0, 4}, levels[1]);
        assertArrayEquals(new double[] {3, 0, 0}, levels[2]);
    }

    @Test
    void thresholdZeroesLevelsAtOrBelowB() {
        double[][] out = AttributionMath.threshold(new double[][] {{10, 7, 8, 0}}, 7);
        assertArrayEquals(new double[] {10, 0, 8, 0}, out[0]);
    }

    @Test
    void densityIsL1OverL4ThenMaxNormalised() {
        // row0 [10,10]: 20 / (2·10^4)^(1/4) = 2^(3/4) = 1.68179; row1 [10,0]: 1; row2: 0
        double[] a = AttributionMath.densities(new double[][] {{10, 10}, {10, 0}, {0, 0}}, 4, 1e-7);
        assertEquals(1.0, a[0], 1e-6);
        assertEquals(1 / 1.6817928305, a[1], 1e-6);
        assertEquals(0.0, a[2], 0);
    }

    @Test
    void densityOfAllZeroMatrixIsZeroNotNaN() {
        double[] a = AttributionMath.densities(new double[][] {{0, 0}, {0, 0}}, 4, 1e-7);
        assertArrayEquals(new double[] {0, 0}, a);
        double[] empty = AttributionMath.densities(new double[][] {{}, {}}, 4, 1e-7);
        assertArrayEquals(new double[] {0, 0}, empty);
    }

    @Test
    void defaultDensitiesApplyThresholdSeven() {
        // row0 [8, 7] -> [8, 0] -> density 1; row1 [9, 9] -> 18/(2·9^4)^(1/4) = 2^(3/4)
        double[] a = AttributionMath.densities(new double[][] {{8, 7}, {9, 9}});
        assertEquals(1 / 1.6817928305, a[0], 1e-6);
        assertEquals(1.0, a[1], 1e-6);
    }

    @Test
    void instructionScoreDividesByLog2OfTwoPlusCount() {
        double[] a = {1, 0.5, 0.25};
        // (1 + 0.25) / log2(4) = 0.625
        assertEquals(0.625, AttributionMath.instructionScore(a, new boolean[] {true, false, true}), 1e-12);
        // 0.5 / log2(3)
        assertEquals(0.5 / 1.5849625007, AttributionMath.instructionScore(a, new boolean[] {false, true, false}), 1e-9);
        assertEquals(0.0, AttributionMath.instructionScore(a, new boolean[3]), 0);
    }

    @Test
    void mismatchedShapesAreErrors() {
        assertThrows(AttributionException.class,
                () -> AttributionMath.instructionScore(new double[2], new boolean[3]));
        assertThrows(AttributionException.class, () -> AttributionMath.levels(new double[][] {{1, 2}, {3}}, 10));
    }
}
