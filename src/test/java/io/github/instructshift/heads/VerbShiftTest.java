package io.github.instructshift.heads;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synthetic base/tuned pair: the tuned model is the base with one head (layer 0, head 0) edited
 * so that both its dimensions put "write" on the query side and its relatives "draft", "text" on
 * the key side. In the base that head is zero (no pairs). Every other head is shared, so every
 * other count ties.
 */
class VerbShiftTest {

    static final List<String> CLUSTER_WRITE = List.of("write", "draft", "text");
    static final List<String> OTHERS = List.of("explain", "clarify", "run", "walk", "eat", "food");

    @TempDir
    Path tmp;

    @Test
    void layerGroupsAreQuartersOfTheDepth() {
        int[] g32 = VerbShift.layerGroups(32);
        assertEquals(0, g32[7]);
        assertEquals(1, g32[8]);
        assertEquals(3, g32[24]);
        assertArrayEquals(new int[] {0, 1, 2}, VerbShift.layerGroups(3));
        for (int layers = 4; layers <= 40; layers++) {           // contiguous, 4 groups, sizes within 1
            int[] g = VerbShift.layerGroups(layers);
            int[] size = new int[4];
            for (int l = 0; l < layers; l++) {
                assertTrue(l == 0 || g[l] == g[l - 1] || g[l] == g[l - 1] + 1);
                size[g[l]]++;
            }
            int min = java.util.Arrays.stream(size).min().getAsInt();
            int max = java.util.Arrays.stream(size).max().getAsInt();
            assertTrue(min >= 1 && max - min <= 1, layers + " layers: " + java.util.Arrays.toString(size));
        }
    }

    @Test
    void editingOneHeadTowardsAnInstructionVerbMovesOnlyThatVerbAndQuarter() throws IOException {
        List<String> words = new ArrayList<>(CLUSTER_WRITE);
        words.addAll(OTHERS);
        for (int i = 0; i < 40; i++) {
            words.add("filler" + (char) ('a' + i % 26) + (char) ('a' + i / 26));
        }
        PieceTokenizer tok = PieceTokenizer.ofWords(words);
        ArrayWeights base = ArrayWeights.random(tok.vocabSize(), 8, 4, 2, 2, 11);
        for (float[] row : base.embedding) {            // dims 6, 7 are reserved for the edited head
            row[6] = 0;
            row[7] = 0;
        }
        int write = 2;                                   // ids: <unk>, <s>, then the words in order
        base.embedding[write][6] = 10;
        base.embedding[write + 1][7] = 10;               // draft
        base.embedding[write + 2][7] = 10;               // text
        for (float[][] head : new float[][][] {base.q[0][0], base.k[0][0]}) {
            for (float[] row : head) {
                java.util.Arrays.fill(row, 0f);
            }
        }
        ArrayWeights tuned = base.copy();
        tuned.q[0][0][6][0] = 1;
        tuned.q[0][0][6][1] = 1;
        tuned.k[0][0][7][0] = 1;
        tuned.k[0][0][7][1] = 1;

        Path vectors = tmp.resolve("vectors.txt");
        Files.write(vectors, gloveLines(words));
        WordFrequencies vocab = new WordFrequencies(words, new double[words.size()], "test words");
        List<String> general = List.of("run", "walk", "eat");
        HeadsReport r = HeadsAnalysis.compare(new HeadsAnalysis.Model("base", base, tok),
                new HeadsAnalysis.Model("tuned", tuned, tok), vocab, vectors, 20,
                new HeadsOptions(3, 0, 3000, 2, 3), general, t -> { });

        int[] groupOf = VerbShift.layerGroups(4);
        assertEquals(1.0, VerbShift.share("write", r.baseKnowledge(), r.tunedKnowledge(), groupOf, 0));
        for (int g = 1; g < 4; g++) {
            assertTrue(Double.isNaN(VerbShift.share("write", r.baseKnowledge(), r.tunedKnowledge(), groupOf, g)));
        }
        for (String other : OTHERS) {
            for (int g = 0; g < 4; g++) {
                assertTrue(Double.isNaN(VerbShift.share(other, r.baseKnowledge(), r.tunedKnowledge(), groupOf, g)),
                        other + " moved in group " + g);
            }
        }
        // the other heads really do have pairs (so the ties are not just empty heads)
        int shared = r.baseKnowledge().stream().mapToInt(k -> k.pairDims().size()).sum();
        assertTrue(shared > 0, "the unedited heads should hold some pairs");

        Table groups = r.groupTable();
        assertEquals(4, groups.rowCount());
        assertEquals(1.0, groups.doubleColumn("instruction_share").get(0));
        assertEquals(1, groups.intColumn("instruction_verbs").get(0));
        assertEquals(0, groups.intColumn("general_verbs").get(0));
        assertEquals(0, groups.intColumn("instruction_verbs").get(1));

        Table changes = r.headChangeTable();
        assertEquals(0, changes.intColumn("layer").get(0));
        assertEquals(0, changes.intColumn("head").get(0));
        assertEquals(0.0, changes.doubleColumn("delta_norm").get(1), "unedited heads did not change");

        Table gained = r.gainedLost(1);
        List<String> pairs = gained.stringColumn("pair").asList();
        assertEquals(List.of("draft=write", "text=write"), pairs);
        assertEquals(List.of("gained", "gained"), gained.stringColumn("change").asList());

        Table verb = r.verbChanges("write");
        assertEquals(1, verb.where(verb.intColumn("tuned_count").isGreaterThan(verb.intColumn("base_count")))
                .rowCount());
        // the verb notebook 02 shows: the instruction verb in the most kept pairs over both models
        String most = r.mostPairedInstructionVerb();
        java.util.function.ToLongFunction<String> pairsOf = v -> r.baseKnowledge().stream().mapToLong(k -> k.count(v)).sum()
                + r.tunedKnowledge().stream().mapToLong(k -> k.count(v)).sum();
        assertTrue(pairsOf.applyAsLong(most) > 0, most);
        for (String v : Verbs.INSTRUCTION) {
            assertTrue(pairsOf.applyAsLong(v) <= pairsOf.applyAsLong(most), v + " has more pairs than " + most);
        }
    }

    /** Cluster vectors: the write cluster, {explain, clarify}, {run, walk}, {eat, food}; fillers random. */
    static List<String> gloveLines(List<String> words) {
        Random r = new Random(5);
        int dim = 20;
        float[][] centres = new float[4][dim];
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = (float) r.nextGaussian();
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            int cluster = i < 3 ? 0 : i < 5 ? 1 : i < 7 ? 2 : i < 9 ? 3 : -1;
            StringBuilder b = new StringBuilder(words.get(i));
            for (int j = 0; j < dim; j++) {
                double x = cluster >= 0 ? centres[cluster][j] + 0.1 * r.nextGaussian() : r.nextGaussian();
                b.append(' ').append(String.format(Locale.ROOT, "%.5f", x));
            }
            lines.add(b.toString());
        }
        return lines;
    }
}
