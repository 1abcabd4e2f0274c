package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** {@link ModelWeights} read from a checkpoint on demand, in float32, reshaped into per-head views. */
final class CheckpointWeights implements ModelWeights {
    private final Checkpoint checkpoint;
    private final ModelConfig c;

    CheckpointWeights(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.c = checkpoint.config();
    }

    private NDArray read(WeightRole role, int layer, NDManager m) {
        return checkpoint.tensor(role, layer, m, DataType.FLOAT32);
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public NDArray embedding(NDManager m) {
        return read(WeightRole.EMBEDDING, 0, m);
    }

    @Override
    public NDArray unembedding(NDManager m) {
        return read(WeightRole.LM_HEAD, 0, m);
    }

    @Override
    public NDArray attentionNorm(int layer, NDManager m) {
        return read(WeightRole.ATTENTION_NORM, layer, m);
    }

    @Override
    public NDArray ffnNorm(int layer, NDManager m) {
        return read(WeightRole.FFN_NORM, layer, m);
    }

    @Override
    public NDArray finalNorm(NDManager m) {
        return read(WeightRole.FINAL_NORM, 0, m);
    }

    /** (out = heads·d_head, in = d_model) → [heads, d_model, d_head], each kv head repeated per query head. */
    private NDArray inputHeads(WeightRole role, int layer, int heads, NDManager m) {
        NDArray w = read(role, layer, m);
        NDArray split = w.reshape(heads, c.headDim(), c.hiddenSize()).transpose(0, 2, 1);
        return heads == c.numHeads() ? split : split.repeat(0, c.queriesPerKvHead());
    }

    @Override
    public NDArray queryHeads(int layer, NDManager m) {
        return inputHeads(WeightRole.QUERY, layer, c.numHeads(), m);
    }

    @Override
    public NDArray keyHeads(int layer, NDManager m) {
        return inputHeads(WeightRole.KEY, layer, c.numKvHeads(), m);
    }

    @Override
    public NDArray valueHeads(int layer, NDManager m) {
        return inputHeads(WeightRole.VALUE, layer, c.numKvHeads(), m);
    }

    @Override
    public NDArray outputHeads(int layer, NDManager m) {
        // o_proj.weight is (d_model, heads·d_head); x·W_O uses its transpose, split by head.
        return read(WeightRole.OUTPUT, layer, m).transpose().reshape(c.numHeads(), c.headDim(), c.hiddenSize());
    }

    @Override
    public NDArray ffnGate(int layer, NDManager m) {
        return read(WeightRole.GATE, layer, m).transpose();
    }

    @Override
    public NDArray ffnUp(int layer, NDManager m) {
        return read(WeightRole.UP, layer, m).transpose();
    }

    @Override
    public NDArray ffnDown(int layer, NDManager m) {
        return read(WeightRole.DOWN, layer, m).transpose();
    }
}
