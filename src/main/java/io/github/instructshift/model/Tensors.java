package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NDArrays made from Java arrays, in memory PyTorch owns. DJL's PyTorch engine wraps a Java buffer
 * without copying; the views and autograd records derived from such an array do not keep the
 * buffer alive, which showed up as rare garbage in backward passes. One copy here rules that out.
 */
public final class Tensors {
    private Tensors() {}

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    private static NDArray owned(NDArray borrowed) {
        NDArray copy = borrowed.duplicate();
        borrowed.close();
        return copy;
    }
}
