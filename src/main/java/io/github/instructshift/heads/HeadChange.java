package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * How much tuning moved one head's bilinear form M = W_Q·W_Kᵀ (norm-folded, d_model×d_model):
 * ‖M_tuned − M_base‖_F against ‖M_base‖_F, computed without forming M.
 *
 * <p>For A Bᵀ with A, B of width r, ‖A Bᵀ‖²_F = tr(AᵀA · BᵀB) = ⟨AᵀA, BᵀB⟩_F, two r×r Gram matrices.
 * The difference is written as M' − M = ΔQ·K'ᵀ + Q·ΔKᵀ = [ΔQ | Q]·[K' | ΔK]ᵀ (width 2·d_head), so
 * every term is already of the size of the change: subtracting two nearly equal norms would lose
 * a small change to rounding. Gram matrices are accumulated in float64.
 *
 * @param layer      0-based layer
 * @param head       0-based head
 * @param baseNorm   ‖W_Q W_Kᵀ‖_F of the base model
 * @param deltaNorm  ‖W_Q' W_K'ᵀ − W_Q W_Kᵀ‖_F
 */
public record HeadChange(int layer, int head, double baseNorm, double deltaNorm) {

    /** Relative change ‖ΔM‖ / ‖M‖ (infinite when the base head is zero and the tuned one is not). */
    public double relative() {
        if (baseNorm == 0) {
            return deltaNorm == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return deltaNorm / baseNorm;
    }

    /** All heads of one layer, from the folded {@code [heads, d_model, d_head]} projections of both models. */
    public static List<HeadChange> ofLayer(int layer, NDArray qBase, NDArray kBase, NDArray qTuned, NDArray kTuned) {
        if (!qBase.getShape().equals(qTuned.getShape()) || !kBase.getShape().equals(kTuned.getShape())) {
            throw new HeadsException("layer " + layer + ": base and tuned heads differ in shape ("
                    + qBase.getShape() + " vs " + qTuned.getShape() + ")");
        }
        try (NDManager sub = qBase.getManager().newSubManager()) {
            NDArray q = qBase.toType(DataType.FLOAT64, true);
            q.attach(sub);
            NDArray k = kBase.toType(DataType.FLOAT64, true);
            NDArray qt = qTuned.toType(DataType.FLOAT64, true);
            NDArray kt = kTuned.toType(DataType.FLOAT64, true);
            k.attach(sub);
            qt.attach(sub);
            kt.attach(sub);
            double[] base = frobeniusSquared(q, k).toDoubleArray();
            NDArray a = NDArrays.concat(new ai.djl.ndarray.NDList(qt.sub(q), q), 2);     // [heads, d, 2dh]
            NDArray b = NDArrays.concat(new ai.djl.ndarray.NDList(kt, kt.sub(k)), 2);
            double[] delta = frobeniusSquared(a, b).toDoubleArray();
            List<HeadChange> out = new ArrayList<>(base.length);
            for (int h = 0; h < base.length; h++) {
                out.add(new HeadChange(layer, h, Math.sqrt(Math.max(0, base[h])), Math.sqrt(Math.max(0, delta[h]))));
            }
            return out;
        }
    }

    /** {@code [heads]}: ‖A_h B_hᵀ‖²_F = ⟨A_hᵀA_h, B_hᵀB_h⟩ for {@code [heads, d, r]} factors. */
    static NDArray frobeniusSquared(NDArray a, NDArray b) {
        NDArray ga = a.transpose(0, 2, 1).matMul(a);
        NDArray gb = b.transpose(0, 2, 1).matMul(b);
        return ga.mul(gb).sum(new int[] {1, 2});
    }
}
