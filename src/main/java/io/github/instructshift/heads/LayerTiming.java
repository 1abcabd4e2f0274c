package io.github.instructshift.heads;

/**
 * Where one layer's time went (both models together when comparing).
 *
 * @param layer          0-based layer
 * @param loadSeconds    reading and folding the layer's weights
 * @param matrixSeconds  NDArray work: projections, energies, top-K, similarity blocks, masks
 * @param javaSeconds    turning masks into ranked pairs, head knowledge and head change bookkeeping
 */
public record LayerTiming(int layer, double loadSeconds, double matrixSeconds, double javaSeconds) {

    public double totalSeconds() {
        return loadSeconds + matrixSeconds + javaSeconds;
    }

    /** Share of the layer's time spent in matrix work. */
    public double matrixShare() {
        double t = totalSeconds();
        return t == 0 ? 0 : matrixSeconds / t;
    }

    /** Mutable accumulator used while a layer runs. */
    static final class Clock {
        long load;
        long matrix;
        long java;

        LayerTiming toTiming(int layer) {
            return new LayerTiming(layer, load / 1e9, matrix / 1e9, java / 1e9);
        }
    }
}
