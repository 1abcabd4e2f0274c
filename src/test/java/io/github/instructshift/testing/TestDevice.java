package io.github.instructshift.testing;

import io.github.instructshift.model.LoadOptions;

/**
 * Where parity tests compute: CPU float32 by default; {@code -Dinstructshift.device=gpu
 * -Dinstructshift.dtype=float16} runs the same tests on the GPU path. Half precision keeps 11
 * mantissa bits (relative rounding 5e-4 per operation), so tolerances widen by {@link #slack()}.
 */
public final class TestDevice {
    private TestDevice() {}

    public static LoadOptions options() {
        return LoadOptions.parse(System.getProperty("instructshift.device", "cpu"),
                System.getProperty("instructshift.dtype", "float32"));
    }

    /** 1 in float32; 100 in float16 (1e-4 → 1e-2 of the largest value). */
    public static double slack() {
        return options().dtype() == ai.djl.ndarray.types.DataType.FLOAT32 ? 1 : 100;
    }
}
