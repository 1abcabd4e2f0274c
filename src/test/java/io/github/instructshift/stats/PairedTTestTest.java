package io.github.instructshift.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The paired t-test on a case worked by hand: tuned {3, 4, 2, 6} against base {2, 2, 2, 3}, differences
 * d = {1, 2, 0, 3}: mean 1.5, sample variance ((−.5)² + .5² + 1.5² + 1.5²)/3 = 5/3, standard error
 * √(5/3 / 4) = √(5/12), t = 1.5 / √(5/12) = 1.5 √2.4 = 2.32379, df = 3. Student's t with 3 degrees of freedom
 * has a closed-form CDF, F(t) = 1/2 + (x/(1 + x²) + atan x)/π with x = t/√3, so the one-sided p (H1: tuned &gt;
 * base) is 1 − F(t) = 0.0513640 and the two-sided p twice that (scipy.stats.ttest_rel gives the same).
 */
class PairedTTestTest {
    private static final double[] TUNED = {3, 4, 2, 6};
    private static final double[] BASE = {2, 2, 2, 3};

    private static double oneSided(double t) {
        double x = t / Math.sqrt(3);
        return 1 - (0.5 + (x / (1 + x * x) + Math.atan(x)) / Math.PI);
    }

    @Test
    void handWorkedCase() {
        PairedTTest.Result r = PairedTTest.greater(TUNED, BASE);
        double t = 1.5 * Math.sqrt(2.4);
        assertEquals(4, r.n());
        assertEquals(3.75, r.meanA(), 1e-12);
        assertEquals(2.25, r.meanB(), 1e-12);
        assertEquals(1.5, r.meanDifference(), 1e-12);
        assertEquals(t, r.t(), 1e-12);
        assertEquals(3, r.df(), 0);
        assertEquals(oneSided(t), r.p(), 1e-9);
        assertEquals(0.051364039429199426, r.p(), 1e-9);
        assertEquals(2 * oneSided(t), r.pTwoSided(), 1e-9);
        assertEquals(WelchTest.Alternative.GREATER, r.alternative());
    }

    @Test
    void theDirectionDecidesWhichTailIsTheOneSidedP() {
        PairedTTest.Result reversed = PairedTTest.greater(BASE, TUNED);   // tuned < base: evidence against H1
        assertEquals(-1.5 * Math.sqrt(2.4), reversed.t(), 1e-12);
        assertEquals(1 - oneSided(1.5 * Math.sqrt(2.4)), reversed.p(), 1e-9);
        assertEquals(oneSided(1.5 * Math.sqrt(2.4)),
                PairedTTest.test(BASE, TUNED, WelchTest.Alternative.LESS).p(), 1e-9);
        assertEquals(2 * oneSided(1.5 * Math.sqrt(2.4)),
                PairedTTest.test(TUNED, BASE, WelchTest.Alternative.TWO_SIDED).p(), 1e-9);
    }

    @Test
    void pairedIsNotWelch() {
        // the same numbers as independent groups: Welch's test sees the spread between items, not within pairs
        double welch = WelchTest.test(TUNED, BASE, WelchTest.Alternative.GREATER).p();
        assertTrue(welch > 0.06, "Welch p " + welch);
    }

    @Test
    void noSpreadGivesNaNAndBadInputIsRefused() {
        PairedTTest.Result same = PairedTTest.greater(new double[] {1, 2, 3}, new double[] {1, 2, 3});
        assertTrue(Double.isNaN(same.t()) && Double.isNaN(same.p()));
        assertEquals(0, same.meanDifference(), 0);
        assertThrows(IllegalArgumentException.class, () -> PairedTTest.greater(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> PairedTTest.greater(new double[] {1}, new double[] {0}));
    }
}
