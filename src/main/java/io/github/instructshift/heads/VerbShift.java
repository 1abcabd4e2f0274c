package io.github.instructshift.heads;

import org.apache.commons.math3.stat.inference.TTest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's verb statistic: for a verb and a group of layers, the share of heads whose count of
 * kept pairs containing the verb is higher in the tuned model than in the base (heads where the
 * counts tie are left out; a verb with no untied head has no share). Instruction verbs' mean share
 * is compared with general verbs' by Welch's two-sided t-test.
 */
public final class VerbShift {
    private VerbShift() {}

    /**
     * One layer group's comparison.
     *
     * @param group             0-based group
     * @param firstLayer        its first layer (0-based)
     * @param lastLayer         its last layer (inclusive)
     * @param instructionShare  mean share over the instruction verbs that have one
     * @param generalShare      mean share over the general verbs that have one
     * @param pValue            Welch's two-sided p (NaN with fewer than two shares on a side)
     * @param instructionVerbs  how many instruction verbs had a share
     * @param generalVerbs      how many general verbs had a share
     */
    public record GroupShare(int group, int firstLayer, int lastLayer, double instructionShare,
                             double generalShare, double pValue, int instructionVerbs, int generalVerbs) {
    }

    /**
     * Group of every layer: 4 groups (quarters of the depth) as even as possible, fewer when there are
     * fewer than 4 layers. For 32 layers: 0–7, 8–15, 16–23, 24–31.
     */
    public static int[] layerGroups(int numLayers) {
        int groups = Math.min(4, numLayers);
        int[] g = new int[numLayers];
        for (int l = 0; l < numLayers; l++) {
            g[l] = (int) ((long) l * groups / numLayers);
        }
        return g;
    }

    /** Share of untied heads in {@code group} where the tuned count of {@code verb} beats the base; NaN if none. */
    public static double share(String verb, List<HeadKnowledge> base, List<HeadKnowledge> tuned, int[] groupOf,
                               int group) {
        Map<Long, HeadKnowledge> tunedByHead = index(tuned);
        int up = 0;
        int untied = 0;
        for (HeadKnowledge b : base) {
            if (groupOf[b.layer()] != group) {
                continue;
            }
            HeadKnowledge t = tunedByHead.get(key(b.layer(), b.head()));
            if (t == null) {
                throw new HeadsException("the tuned model has no head " + b.head() + " in layer " + b.layer());
            }
            int cb = b.count(verb);
            int ct = t.count(verb);
            if (cb != ct) {
                untied++;
                if (ct > cb) {
                    up++;
                }
            }
        }
        return untied == 0 ? Double.NaN : (double) up / untied;
    }

    /** Per layer group: the mean shares of both verb lists and Welch's p. */
    public static List<GroupShare> compare(List<HeadKnowledge> base, List<HeadKnowledge> tuned, int numLayers,
                                           List<String> instruction, List<String> general) {
        int[] groupOf = layerGroups(numLayers);
        int groups = numLayers == 0 ? 0 : groupOf[numLayers - 1] + 1;
        List<GroupShare> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            double[] a = shares(instruction, base, tuned, groupOf, g);
            double[] b = shares(general, base, tuned, groupOf, g);
            double p = welch(a, b);
            int first = -1;
            int last = -1;
            for (int l = 0; l < numLayers; l++) {
                if (groupOf[l] == g) {
                    first = first < 0 ? l : first;
                    last = l;
                }
            }
            out.add(new GroupShare(g, first, last, mean(a), mean(b), p, a.length, b.length));
        }
        return out;
    }

    /** Welch's two-sided p; NaN when a side has fewer than two values or both have no spread. */
    static double welch(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            return Double.NaN;
        }
        try {
            return new TTest().tTest(a, b);
        } catch (org.apache.commons.math3.exception.MathIllegalArgumentException e) {
            return Double.NaN;             // zero variance on both sides: t is undefined
        }
    }

    /** The defined (non-NaN) shares of {@code verbs} in {@code group}. */
    static double[] shares(List<String> verbs, List<HeadKnowledge> base, List<HeadKnowledge> tuned, int[] groupOf,
                           int group) {
        List<Double> s = new ArrayList<>();
        for (String v : verbs) {
            double x = share(v, base, tuned, groupOf, group);
            if (!Double.isNaN(x)) {
                s.add(x);
            }
        }
        return s.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double mean(double[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    static Map<Long, HeadKnowledge> index(List<HeadKnowledge> heads) {
        Map<Long, HeadKnowledge> m = new HashMap<>();
        for (HeadKnowledge h : heads) {
            m.put(key(h.layer(), h.head()), h);
        }
        return m;
    }

    static long key(int layer, int head) {
        return ((long) layer << 32) | head;
    }
}
