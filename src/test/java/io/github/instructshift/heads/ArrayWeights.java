package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.model.ModelConfig;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.RopeConfig;

import java.util.Random;
import java.util.Set;

/**
 * Test double: a {@link ModelWeights} held in plain Java arrays, with only what the head analysis
 * reads (embedding, attention norms, W_Q and W_K per head). Mutable so tests can edit one head.
 */
final class ArrayWeights implements ModelWeights {
    final int vocab;
    final int dModel;
    final int layers;
    final int heads;
    final int dHead;
    final float[][] embedding;          // [vocab][dModel]
    final float[][] norm;               // [layer][dModel]
    final float[][][][] q;              // [layer][head][dModel][dHead]
    final float[][][][] k;

    ArrayWeights(int vocab, int dModel, int layers, int heads, int dHead) {
        this.vocab = vocab;
        this.dModel = dModel;
        this.layers = layers;
        this.heads = heads;
        this.dHead = dHead;
        embedding = new float[vocab][dModel];
        norm = new float[layers][dModel];
        for (float[] n : norm) {
            java.util.Arrays.fill(n, 1f);
        }
        q = new float[layers][heads][dModel][dHead];
        k = new float[layers][heads][dModel][dHead];
    }

    /** Gaussian entries everywhere, norms in [0.6, 1.4], like the fixtures. */
    static ArrayWeights random(int vocab, int dModel, int layers, int heads, int dHead, long seed) {
        ArrayWeights w = new ArrayWeights(vocab, dModel, layers, heads, dHead);
        Random r = new Random(seed);
        for (float[] row : w.embedding) {
            for (int i = 0; i < dModel; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < dModel; i++) {
                w.norm[l][i] = 0.6f + 0.8f * r.nextFloat();
            }
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < dModel; i++) {
                    for (int j = 0; j < dHead; j++) {
                        w.q[l][h][i][j] = (float) r.nextGaussian();
                        w.k[l][h][i][j] = (float) r.nextGaussian();
                    }
                }
            }
        }
        return w;
    }

    ArrayWeights copy() {
        ArrayWeights c = new ArrayWeights(vocab, dModel, layers, heads, dHead);
        for (int v = 0; v < vocab; v++) {
            c.embedding[v] = embedding[v].clone();
        }
        for (int l = 0; l < layers; l++) {
            c.norm[l] = norm[l].clone();
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < dModel; i++) {
                    c.q[l][h][i] = q[l][h][i].clone();
                    c.k[l][h][i] = k[l][h][i].clone();
                }
            }
        }
        return c;
    }

    @Override
    public ModelConfig config() {
        return new ModelConfig("llama", vocab, dModel, 4 * dModel, layers, heads, heads, dHead, 1e-5, 64,
                RopeConfig.plain(1e4), 0, false, 1, Set.of(2));
    }

    @Override
    public NDArray embedding(NDManager manager) {
        return manager.create(embedding);
    }

    @Override
    public NDArray unembedding(NDManager manager) {
        return manager.create(embedding);
    }

    @Override
    public NDArray attentionNorm(int layer, NDManager manager) {
        return manager.create(norm[layer]);
    }

    @Override
    public NDArray ffnNorm(int layer, NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public NDArray finalNorm(NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public NDArray queryHeads(int layer, NDManager manager) {
        return heads(q[layer], manager);
    }

    @Override
    public NDArray keyHeads(int layer, NDManager manager) {
        return heads(k[layer], manager);
    }

    private NDArray heads(float[][][] w, NDManager manager) {
        float[] flat = new float[heads * dModel * dHead];
        int p = 0;
        for (float[][] head : w) {
            for (float[] row : head) {
                for (float x : row) {
                    flat[p++] = x;
                }
            }
        }
        return manager.create(flat, new Shape(heads, dModel, dHead));
    }

    @Override
    public NDArray valueHeads(int layer, NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public NDArray outputHeads(int layer, NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public NDArray ffnGate(int layer, NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public NDArray ffnUp(int layer, NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public NDArray ffnDown(int layer, NDManager manager) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }
}
