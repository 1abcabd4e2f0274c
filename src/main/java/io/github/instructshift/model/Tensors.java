package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NDArrays in memory PyTorch owns, and copies that really are copies.
 *
 * <p>Why: an array DJL creates from a Java buffer only borrows that buffer, and DJL 0.36.0 offers no
 * copy that is safe to outlive it: {@code duplicate()} goes through {@code set(toByteBuffer())} into a
 * temporary direct buffer, and {@code toType(sameType, true)} calls {@code Tensor.to} without its copy
 * flag, which returns the same storage. Both left arrays over freed memory (wrong gradients, then
 * crashes in MKL and the index kernel). {@code mul(1)} always allocates, and is exact in every dtype.
 *
 * <p>Arithmetic with a Java number ({@code x.mul(0.125)}) has the same trap inside a graph that will be
 * differentiated: DJL wraps the number in a borrowed tensor and closes it after the op, but autograd
 * keeps that tensor for the backward pass, which then reads freed memory once the garbage collector
 * has released the buffer (rare, garbage gradients of 1e22 and more). Differentiated code uses
 * {@link #scalar} instead; outside autograd {@code op(Number)} is safe.
 */
public final class Tensors {
    private Tensors() {}

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    /** A 0-d tensor holding {@code value} as {@code dtype}, in PyTorch's own memory. */
    public static NDArray scalar(NDManager manager, double value, ai.djl.ndarray.types.DataType dtype) {
        return owned(manager.create(new float[] {(float) value}, new Shape()), dtype);
    }

    /** A copy in new PyTorch storage, in the same manager. */
    public static NDArray copy(NDArray array) {
        return array.mul(1);
    }

    /** A copy of {@code borrowed} as {@code target} in new PyTorch storage; {@code borrowed} is released. */
    static NDArray owned(NDArray borrowed, ai.djl.ndarray.types.DataType target) {
        NDArray copy = borrowed.getDataType() == target ? copy(borrowed) : borrowed.toType(target, false);
        borrowed.close();
        return copy;
    }

    private static NDArray owned(NDArray borrowed) {
        return owned(borrowed, borrowed.getDataType());
    }
}
