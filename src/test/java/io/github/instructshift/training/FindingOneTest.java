package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        Map<String, Object> same = (Map<String, Object>) r.get("instruction_score_same_response");
        assertEquals(3, same.get("prompts"));
        assertEquals(4, same.get("responses"));
        assertEquals((0.4 + 0.7 + 0.6) / 3, (double) same.get("mean_tuned"), 1e-12);
        assertEquals((0.15 + 0.4 + 0.2) / 3, (double) same.get("mean_base"), 1e-12);
        // differences 0.25, 0.3, 0.4: mean 0.95/3, sample variance 0.0175/3, t = mean / sqrt(variance / 3)
        double t = (0.95 / 3) / Math.sqrt(0.0175 / 3 / 3);
        assertEquals(t, (double) same.get("t"), 1e-9);
        // Student's t with 2 degrees of freedom: P(T > t) = 1/2 - t / (2 sqrt(2 + t²))
        assertEquals(0.5 - t / (2 * Math.sqrt(2 + t * t)), (double) same.get("p"), 1e-9);

        // as in the paper: own responses, Welch: (0.55 - 0.3) / sqrt(0.005 / 2 + 0.02 / 2)
        assertEquals(0.25 / Math.sqrt(0.0125), (double) r.get("instruction_score_welch_t"), 1e-9);
    }

    @Test
    void aResponseScoredUnderOneModelOnlyIsAnError() {
        var e = assertThrows(IllegalStateException.class, () -> OrganismBuild.findingOne(
                Map.of("a", s(0.2)), Map.of(), Map.of(), Map.of()));
        assertEquals(true, e.getMessage().contains("prompt a"), e.getMessage());
    }
}
