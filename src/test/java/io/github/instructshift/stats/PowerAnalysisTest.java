package io.github.instructshift.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;

import static io.github.instructshift.stats.WelchTest.Alternative.GREATER;
import static io.github.instructshift.stats.WelchTest.Alternative.TWO_SIDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known values: Cohen (1988) Table 2.3.1, d = 0.5 with n = 64 per group at two-sided alpha = 0.05 has
 * power 0.80 (noncentral t: 0.8015; one-sided 0.88); the two-proportion normal approximation for
 * 0.66 vs 0.50 with 100 per group is 0.632 (Fleiss' formula, by hand).
 */
class PowerAnalysisTest {

    @Test
    void welchPowerMatchesCohensTable() {
        PowerAnalysis.Power p = PowerAnalysis.welchPower(0.5, 64, 64, 0.05, TWO_SIDED, 4000, 1);
        assertEquals(0.80, p.power(), 0.03);
        assertEquals(0.80, PowerAnalysis.welchPowerApprox(0.5, 64, 64, 0.05, TWO_SIDED).power(), 0.01);
        assertEquals(0.88, PowerAnalysis.welchPowerApprox(0.5, 64, 64, 0.05, GREATER).power(), 0.01);
    }

    @Test
    void welchWithoutEffectRejectsAtAlpha() {
        assertEquals(0.05, PowerAnalysis.welchPower(0, 64, 64, 0.05, TWO_SIDED, 4000, 2).power(), 0.015);
        assertEquals(0.05, PowerAnalysis.welchPowerApprox(0, 64, 64, 0.05, TWO_SIDED).power(), 1e-9);
    }

    @Test
    void oneSidedIsMorePowerful() {
        double two = PowerAnalysis.welchPower(0.5, 30, 30, 0.05, TWO_SIDED, 2000, 3).power();
        double one = PowerAnalysis.welchPower(0.5, 30, 30, 0.05, GREATER, 2000, 3).power();
        assertTrue(one > two + 0.05, one + " vs " + two);
    }

    @Test
    void cohensDUsesThePooledSd() {
        double[] a = {1, 2, 3, 4};        // mean 2.5, variance 5/3
        double[] b = {3, 4, 5, 6, 7};     // mean 5, variance 5/2
        // pooled variance (3 * 5/3 + 4 * 5/2) / 7 = 15/7
        assertEquals(-2.5 / Math.sqrt(15.0 / 7), PowerAnalysis.cohensD(a, b), 1e-12);
        assertEquals(2.5 / Math.sqrt(15.0 / 7), PowerAnalysis.cohensD(b, a), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> PowerAnalysis.cohensD(new double[] {1, 1}, new double[] {2, 2}));
    }

    @Test
    void twoProportionSimulationAgreesWithTheNormalApproximation() {
        double approx = PowerAnalysis.twoProportionPowerApprox(0.66, 0.5, 100, 100, 0.05).power();
        assertEquals(0.632, approx, 0.005);
        double sim = PowerAnalysis.twoProportionPower(0.66, 0.5, 100, 100, 0.05, 4000, 4).power();
        assertEquals(approx, sim, 0.03);
        // equal rates: the approximation is exactly alpha, the simulation close to it
        assertEquals(0.05, PowerAnalysis.twoProportionPowerApprox(0.5, 0.5, 100, 100, 0.05).power(), 1e-12);
        assertEquals(0.05, PowerAnalysis.twoProportionPower(0.5, 0.5, 100, 100, 0.05, 4000, 5).power(), 0.015);
    }

    @Test
    void verbSharePowerRisesWithHeads() {
        double previous = -1;
        for (int heads : new int[] {2, 8, 32}) {
            double p = PowerAnalysis.verbSharePower(20, 20, heads, 0.3, 0.66, 0.5, 0.05, 1000, 6).power();
            assertTrue(p > previous + 0.1, heads + " heads: " + p + " after " + previous);
            previous = p;
        }
        assertTrue(previous > 0.95, "32 heads: " + previous);
    }

    @Test
    void verbSharePowerWithoutEffectIsSmall() {
        // two-sided test, only the upward direction counts: about alpha / 2
        double p = PowerAnalysis.verbSharePower(20, 20, 8, 0.3, 0.5, 0.5, 0.05, 2000, 7).power();
        assertTrue(p < 0.045, "null rejection rate " + p);
    }

    @Test
    void verbSharePowerMatchesTheTTestOnBinomialShares() {
        // no ties, 4 heads: a share is Bin(4, q)/4, SD sqrt(q(1-q)/4); with the pooled SD
        // d = 0.16 / sqrt((0.66*0.34 + 0.25) / 2 / 4) = 0.657, and a t-test with 20 per side has power 0.52
        double d = 0.16 / Math.sqrt((0.66 * 0.34 + 0.25) / 2 / 4);
        double approx = PowerAnalysis.welchPowerApprox(d, 20, 20, 0.05, TWO_SIDED).power();
        double sim = PowerAnalysis.verbSharePower(20, 20, 4, 0, 0.66, 0.5, 0.05, 2000, 8).power();
        assertEquals(approx, sim, 0.04);
    }

    @Test
    void verbsWithOnlyTiedHeadsAreDropped() {
        // 2 heads, half tied: a quarter of the verbs have no share. Instruction shares are all 1 and general
        // ones 0, 0.5 or 1, so the test nearly always detects; counting a dropped verb as share 0 would
        // pull both means down, add spread, and cost about a quarter of the power
        double p = PowerAnalysis.verbSharePower(20, 20, 2, 0.5, 1, 0.5, 0.05, 1000, 12).power();
        assertTrue(p > 0.95, "power " + p);
    }

    @Test
    void verbSharesWithoutSpreadAreNotDetections() {
        // one head, never tied: every instruction share is 1 and every general share 0; Welch's t is undefined
        assertEquals(0.0, PowerAnalysis.verbSharePower(5, 5, 1, 0, 1, 0, 0.05, 50, 9).power());
        // every head tied: no verb has a share
        assertEquals(0.0, PowerAnalysis.verbSharePower(5, 5, 4, 1, 0.66, 0.5, 0.05, 50, 9).power());
    }

    @Test
    void sameSeedSameResult() {
        assertEquals(PowerAnalysis.welchPower(0.3, 20, 25, 0.05, TWO_SIDED, 500, 42),
                PowerAnalysis.welchPower(0.3, 20, 25, 0.05, TWO_SIDED, 500, 42));
        assertEquals(PowerAnalysis.verbSharePower(10, 12, 6, 0.4, 0.66, 0.5, 0.05, 500, 42),
                PowerAnalysis.verbSharePower(10, 12, 6, 0.4, 0.66, 0.5, 0.05, 500, 42));
        assertEquals(PowerAnalysis.twoProportionPower(0.6, 0.5, 50, 60, 0.05, 500, 42),
                PowerAnalysis.twoProportionPower(0.6, 0.5, 50, 60, 0.05, 500, 42));
    }

    @Test
    void asMapKeepsEverythingForScoresJson() {
        PowerAnalysis.Power p = PowerAnalysis.verbSharePower(10, 12, 6, 0.4, 0.66, 0.5, 0.05, 200, 11);
        Map<String, Object> m = p.asMap();
        assertEquals(List.of("test", "effect", "n1", "n2", "alpha", "power", "simulations", "seed",
                "standard_error", "heads_per_group", "tie_rate", "instruction_up_rate", "general_up_rate",
                "alternative"), List.copyOf(m.keySet()));
        assertEquals("verb-share-welch", m.get("test"));
        assertEquals(0.66 - 0.5, (double) m.get("effect"), 1e-12);
        assertEquals(10, m.get("n1"));
        assertEquals(12, m.get("n2"));
        assertEquals(p.power(), m.get("power"));
        assertEquals(Math.sqrt(p.power() * (1 - p.power()) / 200), (double) m.get("standard_error"), 1e-12);
        assertEquals(6, m.get("heads_per_group"));
        assertEquals(0.0, PowerAnalysis.twoProportionPowerApprox(0.6, 0.5, 50, 50, 0.05).standardError());
    }

    @Test
    void invalidArgumentsNameTheArgument() {
        assertNamed("n1", () -> PowerAnalysis.welchPower(0.5, 1, 10, 0.05, TWO_SIDED, 10, 1));
        assertNamed("n2", () -> PowerAnalysis.welchPower(0.5, 10, 1, 0.05, TWO_SIDED, 10, 1));
        assertNamed("alpha", () -> PowerAnalysis.welchPower(0.5, 10, 10, 0, TWO_SIDED, 10, 1));
        assertNamed("alpha", () -> PowerAnalysis.welchPower(0.5, 10, 10, 1, TWO_SIDED, 10, 1));
        assertNamed("simulations", () -> PowerAnalysis.welchPower(0.5, 10, 10, 0.05, TWO_SIDED, 0, 1));
        assertNamed("effectSizeD", () -> PowerAnalysis.welchPower(Double.NaN, 10, 10, 0.05, TWO_SIDED, 10, 1));
        assertNamed("instructionVerbs", () -> PowerAnalysis.verbSharePower(1, 10, 4, 0.3, 0.6, 0.5, 0.05, 10, 1));
        assertNamed("generalVerbs", () -> PowerAnalysis.verbSharePower(10, 1, 4, 0.3, 0.6, 0.5, 0.05, 10, 1));
        assertNamed("headsPerGroup", () -> PowerAnalysis.verbSharePower(10, 10, 0, 0.3, 0.6, 0.5, 0.05, 10, 1));
        assertNamed("tieRate", () -> PowerAnalysis.verbSharePower(10, 10, 4, -0.1, 0.6, 0.5, 0.05, 10, 1));
        assertNamed("instructionUpRate",
                () -> PowerAnalysis.verbSharePower(10, 10, 4, 0.3, 1.1, 0.5, 0.05, 10, 1));
        assertNamed("generalUpRate",
                () -> PowerAnalysis.verbSharePower(10, 10, 4, 0.3, 0.6, Double.NaN, 0.05, 10, 1));
        assertNamed("simulations", () -> PowerAnalysis.verbSharePower(10, 10, 4, 0.3, 0.6, 0.5, 0.05, 0, 1));
        assertNamed("p1", () -> PowerAnalysis.twoProportionPower(-0.1, 0.5, 10, 10, 0.05, 10, 1));
        assertNamed("p2", () -> PowerAnalysis.twoProportionPowerApprox(0.5, 2, 10, 10, 0.05));
        assertNamed("n1", () -> PowerAnalysis.twoProportionPowerApprox(0.5, 0.6, 1, 10, 0.05));
        assertNamed("alpha", () -> PowerAnalysis.twoProportionPower(0.5, 0.6, 10, 10, 1.5, 10, 1));
    }

    private static void assertNamed(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(argument + " "), e.getMessage());
    }
}
