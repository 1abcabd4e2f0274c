package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadScannerTest {

    static final List<String> WORDS = List.of("cat", "dog", "car", "bus", "red", "blue");
    static final float[][] VECTORS = {
            {1, 0, 0}, {0.8f, 0.6f, 0}, {0, 0, 1}, {0, 0.6f, 0.8f}, {0, 1, 0}, {0, 1, 0}};

    /**
     * One layer, one head, d_model 4, d_head 2. After folding the norm (2, 1, 1, 0.5) into the rows,
     * H_q[:,0] = E[:,0], H_q[:,1] = E[:,1], H_k[:,0] = E[:,2], H_k[:,1] = E[:,3]. Worked out by hand:
     * energy of dim 0 = 28.5, dim 1 = 30.75, so dim 1 comes first.
     * dim 1: queries {car 3, bus 2.5}, keys {bus -3, car 2}: (bus←car) fails the sign test,
     *        (car←car), (bus←bus) are identical, (car←bus) passes at cos 0.8.
     * dim 0: queries {cat 3, dog -2}, keys {car -3, dog 2}: (dog←cat) passes at 0.8, (car←·) have cos 0,
     *        (dog←dog) is identical.
     */
    static ArrayWeights handBuilt() {
        PieceTokenizer tok = PieceTokenizer.ofWords(WORDS);
        ArrayWeights w = new ArrayWeights(tok.vocabSize(), 4, 1, 1, 2);
        float[][] e = {{3, 0, 0, 0}, {-2, 0, 2, 0}, {0, 3, -3, 2}, {0, 2.5f, 0, -3}, {1, 1, 1, 1},
                {0.5f, 0.5f, 0.5f, 0.5f}};
        for (int i = 0; i < e.length; i++) {
            w.embedding[i + 2] = e[i];              // ids 0, 1 are <unk>, <s> (zero rows)
        }
        w.norm[0] = new float[] {2, 1, 1, 0.5f};
        w.q[0][0][0][0] = 0.5f;
        w.q[0][0][1][1] = 1;
        w.k[0][0][2][0] = 1;
        w.k[0][0][3][1] = 2;
        return w;
    }

    static List<HeadPairs> scan(ArrayWeights w, float[] thresholds, int topK, int topDims) {
        PieceTokenizer tok = PieceTokenizer.ofWords(WORDS);
        WordTokens tokens = WordTokens.of(tok, WORDS);
        try (NDManager m = NDManager.newBaseManager();
             Relatedness rel = Relatedness.withThresholds(VECTORS, thresholds, m);
             HeadScanner scanner = new HeadScanner(w, tokens, topK, topDims, m)) {
            return scanner.scanAll(rel, t -> { });
        }
    }

    @Test
    void handBuiltHeadGivesTheWorkedOutPairs() {
        List<HeadPairs> heads = scan(handBuilt(), new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 0);
        assertEquals(1, heads.size());
        HeadPairs hp = heads.get(0);
        assertArrayEquals(new int[] {1, 0}, hp.dims());
        assertArrayEquals(new float[] {30.75f, 28.5f}, hp.energies(), 1e-4f);
        assertEquals(1, hp.pairs().get(0).size(), hp.pairs().toString());
        WordPair p1 = hp.pairs().get(0).get(0);
        assertEquals("car", WORDS.get(p1.key()));
        assertEquals("bus", WORDS.get(p1.query()));
        assertEquals(0.8f, p1.score(), 1e-5f);
        assertEquals(1, hp.pairs().get(1).size(), hp.pairs().toString());
        WordPair p0 = hp.pairs().get(1).get(0);
        assertEquals("dog", WORDS.get(p0.key()));
        assertEquals("cat", WORDS.get(p0.query()));
    }

    @Test
    void aWordsThresholdCanVetoAPair() {
        // cat's threshold above cos(cat, dog) = 0.8: dim 0 loses its only pair, dim 1 keeps its own
        List<HeadPairs> heads = scan(handBuilt(), new float[] {0.9f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 0);
        assertEquals(1, heads.get(0).pairs().get(0).size());
        assertTrue(heads.get(0).pairs().get(1).isEmpty());
    }

    @Test
    void topDimsKeepsTheHighestEnergyDimensionsOnly() {
        List<HeadPairs> heads = scan(handBuilt(), new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 1);
        assertArrayEquals(new int[] {1}, heads.get(0).dims());
        assertEquals(1, heads.get(0).pairs().size());
    }

    @Test
    void energyFromTheGramMatrixEqualsTheDirectSum() {
        ArrayWeights w = ArrayWeights.random(50, 8, 2, 2, 4, 7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray gram = FoldedHeads.gram(w.embedding(m));
            float[] viaGram = FoldedHeads.energy(gram, FoldedHeads.queries(w, 1, m))
                    .add(FoldedHeads.energy(gram, FoldedHeads.keys(w, 1, m))).toFloatArray();
            for (int h = 0; h < 2; h++) {
                for (int c = 0; c < 4; c++) {
                    double direct = 0;
                    for (int v = 0; v < 50; v++) {
                        double hq = 0;
                        double hk = 0;
                        for (int i = 0; i < 8; i++) {
                            hq += w.embedding[v][i] * w.norm[1][i] * w.q[1][h][i][c];
                            hk += w.embedding[v][i] * w.norm[1][i] * w.k[1][h][i][c];
                        }
                        direct += hq * hq + hk * hk;
                    }
                    assertEquals(direct, viaGram[h * 4 + c], 1e-4 * direct);
                }
            }
        }
    }
}
