package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the tokens seen so far, per layer, {@code [batch, kv_heads, seen, d_head]}.
 * It owns its arrays in its own manager: each step's new entries are moved in and the old ones
 * freed, so a long generation holds one cache, not one per step.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Tokens already in the cache: the position of the next token. */
    public int length() {
        return length;
    }

    /** Appends this step's keys and values of {@code layer} and returns the whole history. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = join(keys[layer], k);
        values[layer] = join(values[layer], v);
        return new NDArray[] {keys[layer], values[layer]};
    }

    private NDArray join(NDArray old, NDArray step) {
        NDArray joined = old == null ? Tensors.copy(step) : old.concat(step, 2);
        joined.attach(manager);
        if (old != null) {
            old.close();
        }
        return joined;
    }

    /** Called once every layer has appended the step's {@code tokens}. */
    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
