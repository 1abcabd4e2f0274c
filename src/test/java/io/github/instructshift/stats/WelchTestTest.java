package io.github.instructshift.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expected values from scipy.stats.ttest_ind(a, b, equal_var=False, alternative=...). */
class WelchTestTest {
    private static final double[] A = {1, 2, 3, 4};
    private static final double[] B = {3, 4, 5, 6, 7};

    @Test
    void oneAndTwoSidedPValuesMatchScipy() {
        WelchTest.Result less = WelchTest.test(A, B, WelchTest.Alternative.LESS);
        assertEquals(-2.6111648393354674, less.t(), 1e-12);
        assertEquals(0.017469391179982006, less.p(), 1e-9);
        assertEquals(0.982530608820018, WelchTest.test(A, B, WelchTest.Alternative.GREATER).p(), 1e-9);
        assertEquals(0.03493878235996401, WelchTest.test(A, B, WelchTest.Alternative.TWO_SIDED).p(), 1e-9);
        // hand: (5/12 + 1/2)^2 / ((5/12)^2/3 + (1/2)^2/4) = 6.98077
        assertEquals(6.980769, less.df(), 1e-5);
    }

    @Test
    void lessWhenTheFirstMeanIsLargerIsNearOne() {
        WelchTest.Result r = WelchTest.less(new double[] {5, 6, 7.5, 9}, new double[] {1, 2, 2.5});
        assertEquals(5.145443392307004, r.t(), 1e-9);
        assertEquals(0.9972261022904223, r.p(), 1e-9);
        assertEquals(4.3011716057891105, r.df(), 1e-9);
    }

    @Test
    void tooFewValuesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> WelchTest.less(new double[] {1}, B));
    }

    @Test
    void groupSummaryUsesPopulationStd() {
        GroupSummary s = GroupSummary.of(A);
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(Math.sqrt(1.25), s.std(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3.0), s.sampleStd(), 1e-12);
        assertEquals(0, GroupSummary.of(new double[0]).n());
    }
}
