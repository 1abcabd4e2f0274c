package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AttributionSummary#pairs} and {@link AttributionSummary#paired} on hand-made rows. */
class PairedSummaryTest {
    private static AttributionResults.Row row(String id, String set, ModelRole role, double score) {
        return new AttributionResults.Row(id, set, "m", role.label(), "raw", 5, 3, 2, 0, score);
    }

    @Test
    void pairsEachResponseWithItsForcedScoreAndTestsTunedOverBase() {
        // the tuned model's responses: tuned {3, 4, 2, 6} under tuned, {2, 2, 2, 3} forced through base
        // (PairedTTestTest's hand-worked case: t = 1.5 sqrt(2.4), one-sided p = 0.0513640);
        // the base model's responses: base {1, 1, 1} under base, {1, 1, 1} forced through tuned (no spread)
        List<AttributionResults.Row> own = List.of(
                row("a", "other", ModelRole.BASE, 1), row("b", "other", ModelRole.BASE, 1),
                row("c", "other", ModelRole.BASE, 1),
                row("a", "other", ModelRole.TUNED, 3), row("b", "other", ModelRole.TUNED, 4),
                row("c", "other", ModelRole.TUNED, 2), row("d", "other", ModelRole.TUNED, 6),
                row("e", "other", ModelRole.TUNED, 9));                 // e: no forced result, left out
        List<AttributionResults.Row> baseOnTuned = List.of(row("a", "other", ModelRole.BASE, 2),
                row("b", "other", ModelRole.BASE, 2), row("c", "other", ModelRole.BASE, 2),
                row("d", "other", ModelRole.BASE, 3));
        List<AttributionResults.Row> tunedOnBase = List.of(row("a", "other", ModelRole.TUNED, 1),
                row("b", "other", ModelRole.TUNED, 1), row("c", "other", ModelRole.TUNED, 1));
        List<AttributionSummary.PairedScore> pairs = AttributionSummary.pairs(own, baseOnTuned, tunedOnBase);
        assertEquals(7, pairs.size());
        assertEquals(new AttributionSummary.PairedScore("d", "other", "tuned", 3, 3, 6), pairs.get(3));
        assertEquals(new AttributionSummary.PairedScore("a", "other", "base", 3, 1, 1), pairs.get(4));

        List<AttributionSummary.Paired> summary = AttributionSummary.paired(pairs);
        assertEquals(List.of("other/tuned", "all/tuned", "other/base", "all/base"),
                summary.stream().map(p -> p.set() + "/" + p.responses()).toList());
        AttributionSummary.Paired tuned = summary.get(1);
        assertEquals(4, tuned.n());
        assertEquals(2.25, tuned.baseMean(), 1e-12);
        assertEquals(3.75, tuned.tunedMean(), 1e-12);
        assertEquals(1.5, tuned.meanDifference(), 1e-12);
        assertEquals(1.5 * Math.sqrt(2.4), tuned.t(), 1e-12);
        assertEquals(3, tuned.df(), 0);
        assertEquals(0.051364039429199426, tuned.p(), 1e-9);
        assertEquals(2 * 0.051364039429199426, tuned.pTwoSided(), 1e-9);
        AttributionSummary.Paired base = summary.get(3);
        assertEquals(3, base.n());
        assertEquals(0, base.meanDifference(), 0);
        assertTrue(Double.isNaN(base.p()), "identical scores: no test");
    }
}
