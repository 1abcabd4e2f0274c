package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The organism's Finding 1 test on a case small enough to work out by hand. */
class FindingOneTest {

    private static InstructionAttention.Scored s(double score) {
        return new InstructionAttention.Scored(List.of("▁x", "▁y", "▁z", "▁w", "▁v"), score);
    }

    @Test
    void responsesAreScoredUnderBothModelsAndAveragedPerPrompt() {
        // prompt a: both models answered at length; b: only base; c: only tuned
        Map<String, InstructionAttention.Scored> baseOwn = Map.of("a", s(0.2), "b", s(0.4));
        Map<String, InstructionAttention.Scored> tunedOwn = Map.of("a", s(0.5), "c", s(0.6));
        Map<String, Double> tunedOnBase = Map.of("a", 0.3, "b", 0.7);
        Map<String, Double> baseOnTuned = Map.of("a", 0.1, "c", 0.2);
        Map<String, Object> r = OrganismBuild.findingOne(baseOwn, tunedOwn, baseOnTuned, tunedOnBase);

        // per prompt (tuned, base): a = ((0.3 + 0.5) / 2, (0.2 + 0.1) / 2) = (0.4, 0.15), b = (0.7, 0.4), c = (0.6, 0.2)
        @SuppressWarnings("unchecked")
        Map<String, Object> same = (Map<String, Object>) r.get("same_responses");
        assertEquals(3, same.get("prompts"));
        assertEquals(4, same.get("responses"));
        assertEquals((0.4 + 0.7 + 0.6) / 3, (double) same.get("mean_tuned"), 1e-12);
        assertEquals((0.15 + 0.4 + 0.2) / 3, (double) same.get("mean_base"), 1e-12);
        // differences 0.25, 0.3, 0.4: mean 0.95/3, sample variance 0.0175/3, t = mean / sqrt(variance / 3)
        double t = (0.95 / 3) / Math.sqrt(0.0175 / 3 / 3);
        assertEquals(t, (double) same.get("t"), 1e-9);
        // Student's t with 2 degrees of freedom: P(T > t) = 1/2 - t / (2 sqrt(2 + t²))
        assertEquals(0.5 - t / (2 * Math.sqrt(2 + t * t)), (double) same.get("p"), 1e-9);
        // dz = mean difference / its sample SD
        assertEquals((0.95 / 3) / Math.sqrt(0.0175 / 3), (double) same.get("cohens_dz"), 1e-9);

        // as in the paper: own responses, Welch: (0.55 - 0.3) / sqrt(0.005 / 2 + 0.02 / 2)
        @SuppressWarnings("unchecked")
        Map<String, Object> own = (Map<String, Object>) r.get("own_responses");
        assertEquals(0.25 / Math.sqrt(0.0125), (double) own.get("t"), 1e-9);
        // Cohen's d with the pooled SD: sqrt((0.005 + 0.02) / 2)
        assertEquals(0.25 / Math.sqrt(0.0125), (double) own.get("cohens_d"), 1e-9);
        @SuppressWarnings("unchecked")
        Map<String, Double> power = (Map<String, Double>) own.get("power");
        assertEquals(OrganismBuild.PAPER_FINDING1_D.keySet(), power.keySet());
        // two answers a side have almost no power even at the paper's largest effect
        power.values().forEach(p -> assertTrue(p > 0 && p < 0.3, "power " + p));
    }

    @Test
    void aResponseScoredUnderOneModelOnlyIsAnError() {
        var e = assertThrows(IllegalStateException.class, () -> OrganismBuild.findingOne(
                Map.of("a", s(0.2)), Map.of(), Map.of(), Map.of()));
        assertEquals(true, e.getMessage().contains("prompt a"), e.getMessage());
    }

    /** The paper's effect sizes the power analysis uses are the authors' released data's, per prompt set. */
    @Test
    void paperEffectSizesAreRecomputedFromTheReleasedAttributions() {
        var rows = io.github.instructshift.report.PaperTables.compute(io.github.instructshift.testing.Shared.paper()).table2();
        assertEquals(2 * OrganismBuild.PAPER_FINDING1_D.size(), rows.size());
        for (int i = 0; i < rows.size(); i += 2) {
            var base = rows.get(i);
            var tuned = rows.get(i + 1);
            assertEquals("base", base.group());
            // Cohen's d with the pooled SD of two groups of equal size
            double d = (tuned.mean() - base.mean()) / Math.sqrt((base.std() * base.std() + tuned.std() * tuned.std()) / 2);
            assertEquals(OrganismBuild.PAPER_FINDING1_D.get(base.set()), d, 1e-4, base.set());
        }
    }
}
