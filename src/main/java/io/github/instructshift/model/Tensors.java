package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NDArrays in memory PyTorch owns, and copies that stay so.
 *
 * <p>Why: in DJL 0.35.1's PyTorch engine {@code NDArray.duplicate()} is {@code copyTo}, i.e.
 * {@code set(toByteBuffer())}, which hands native {@code torchSet} a temporary direct buffer that
 * nothing keeps alive; the "copy" turned to garbage after a garbage collection (wrong gradients in
 * roughly every full test run). Never call {@code duplicate()} on engine arrays: use {@link #copy}.
 */
public final class Tensors {
    private Tensors() {}

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    /** A copy made by PyTorch itself ({@code Tensor.to(dtype, copy=true)}), in the same manager. */
    public static NDArray copy(NDArray array) {
        return array.toType(array.getDataType(), true);
    }

    /** Same as {@link #copy} into a new dtype (or the same), then the source released. */
    static NDArray owned(NDArray borrowed, ai.djl.ndarray.types.DataType target) {
        NDArray copy = borrowed.toType(target, true);
        borrowed.close();
        return copy;
    }

    private static NDArray owned(NDArray borrowed) {
        return owned(borrowed, borrowed.getDataType());
    }
}
