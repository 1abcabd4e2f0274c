package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

class ConceptSharesTest {

    private static LabelRecord rec(String model, int layer, long seed, Set<Task> tasks, LinguisticLevel level) {
        return new LabelRecord(model, layer, 1, new ConceptLabel(ConceptLabel.Status.LABELLED, "c", tasks, level, "test", "m", seed, null));
    }

    private static LabelRecord other(String model, long seed, ConceptLabel.Status status) {
        return new LabelRecord(model, 0, 1, status == ConceptLabel.Status.UNLABELLED
                ? ConceptLabel.unlabelled("test", "m", seed, "boom") : ConceptLabel.cannotTell("test", "m", seed, "Cannot Tell"));
    }

    /** Writing shares: base 1/2, 1/4, 2/4; tuned 3/4, 4/4, 3/4 (of explainable concepts, per seed). */
    private static List<LabelRecord> labels() {
        List<LabelRecord> out = new ArrayList<>();
        int[][] base = {{1, 2}, {1, 4}, {2, 4}};
        int[][] tuned = {{3, 4}, {4, 4}, {3, 4}};
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < base[s][1]; i++) {
                // daily + literary writing on one concept counts once for "writing"
                Set<Task> t = i < base[s][0] ? EnumSet.of(Task.DAILY_WRITING, Task.LITERARY_WRITING) : EnumSet.of(Task.CODING);
                out.add(rec("base", i, s, t, i == 0 ? LinguisticLevel.SYNTAX : LinguisticLevel.SEMANTICS));
            }
            for (int i = 0; i < tuned[s][1]; i++) {
                Set<Task> t = i < tuned[s][0] ? EnumSet.of(Task.PROFESSIONAL_WRITING) : EnumSet.of(Task.MATH);
                out.add(rec("tuned", i, s, t, LinguisticLevel.SEMANTICS));
            }
            out.add(other("base", s, ConceptLabel.Status.CANNOT_TELL));
            out.add(other("tuned", s, ConceptLabel.Status.UNLABELLED));
        }
        return out;
    }

    @Test
    void sharesMeansStdsAndTTestMatchAHandComputation() {
        List<ConceptShares.RunShares> runs = ConceptShares.perRun(labels());
        assertEquals(6, runs.size());
        ConceptShares.RunShares b0 = runs.get(0);
        assertEquals("base", b0.model());
        assertEquals(0.5, b0.taskShares().get("writing"), 1e-12);
        assertEquals(0.5, b0.taskShares().get("coding"), 1e-12);
        assertEquals(2 / 3.0, b0.explainableShare(), 1e-12, "2 explainable of 3 answered");
        ConceptShares.RunShares t0 = runs.stream().filter(r -> r.model().equals("tuned")).findFirst().orElseThrow();
        assertEquals(1, t0.unlabelled());
        assertEquals(1.0, t0.explainableShare(), 1e-12, "the unlabelled one is out of the denominator");

        ConceptShares.Comparison writing = ConceptShares.compare(runs, "base", "tuned").stream()
                .filter(c -> c.category().equals("writing")).findFirst().orElseThrow();
        double[] b = {0.5, 0.25, 0.5};
        double[] t = {0.75, 1.0, 0.75};
        double mb = 1.25 / 3;
        double mt = 2.5 / 3;
        assertEquals(mb, writing.baseMean(), 1e-12);
        assertEquals(mt, writing.tunedMean(), 1e-12);
        // population std: sqrt(((1/12)^2 * 2 + (1/6)^2) / 3)
        double popStd = Math.sqrt((2 * Math.pow(1 / 12.0, 2) + Math.pow(1 / 6.0, 2)) / 3);
        assertEquals(popStd, writing.baseStd(), 1e-12);
        assertEquals(popStd, writing.tunedStd(), 1e-12);
        // pooled two-sample t: sample variances equal (1/48 each), sp^2 = 1/48, t = (mb - mt) / sqrt(sp^2 * 2/3)
        double sampleVar = (2 * Math.pow(1 / 12.0, 2) + Math.pow(1 / 6.0, 2)) / 2;
        double tStat = (mb - mt) / Math.sqrt(sampleVar * (2 / 3.0));
        assertEquals(tStat, writing.t(), 1e-9);
        double p = 2 * (1 - new TDistribution(4).cumulativeProbability(Math.abs(tStat)));
        assertEquals(p, writing.p(), 1e-9);
        assertTrue(writing.p() < 0.05);
        assertEquals(3, writing.runs());
    }

    @Test
    void noSpreadMeansNoTTest() {
        ConceptShares.Comparison c = ConceptShares.comparison("task", "x", new double[] {0.5, 0.5}, new double[] {0.5, 0.5});
        assertTrue(Double.isNaN(c.t()) && Double.isNaN(c.p()));
        assertEquals(0.5, c.baseMean(), 0);
    }

    @Test
    void layerGroupsFollowTheAuthorsIntegerDivision() {
        List<LabelRecord> labels = List.of(
                rec("m", 0, 0, Set.of(Task.NONE), LinguisticLevel.SYNTAX),
                rec("m", 3, 0, Set.of(Task.NONE), LinguisticLevel.SEMANTICS),
                rec("m", 4, 0, Set.of(Task.NONE), LinguisticLevel.SEMANTICS),
                rec("m", 0, 1, Set.of(Task.NONE), LinguisticLevel.SYNTAX),
                rec("m", 1, 1, Set.of(Task.NONE), LinguisticLevel.SYNTAX));
        List<ConceptShares.GroupShare> g = ConceptShares.byLayerGroup(labels, 4);
        ConceptShares.GroupShare syntax0 = g.stream().filter(x -> x.group() == 0 && x.level() == LinguisticLevel.SYNTAX).findFirst().orElseThrow();
        assertEquals((0.5 + 1.0) / 2, syntax0.mean(), 1e-12);
        assertEquals(0.25, syntax0.std(), 1e-12);
        assertEquals(0, syntax0.firstLayer());
        assertEquals(3, syntax0.lastLayer());
        ConceptShares.GroupShare sem1 = g.stream().filter(x -> x.group() == 1 && x.level() == LinguisticLevel.SEMANTICS).findFirst().orElseThrow();
        assertEquals(1.0, sem1.mean(), 1e-12, "seed 1 has nothing in group 1 and is left out, not counted as 0");
    }

    @Test
    void missingModelIsAClearError() {
        List<ConceptShares.RunShares> runs = ConceptShares.perRun(labels());
        FfnException e = assertThrows(FfnException.class, () -> ConceptShares.compare(runs, "vicuna", "tuned"));
        assertTrue(e.getMessage().contains("vicuna"), e.getMessage());
    }
}
