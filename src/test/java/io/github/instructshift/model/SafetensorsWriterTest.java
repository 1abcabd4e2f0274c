package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 16-bit storage in the writer: float16 rounds as PyTorch does, bfloat16 to nearest even, both read back by the loader. */
class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    private static float[] values() {
        SplittableRandom rng = new SplittableRandom(7);
        float[] v = new float[4096];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * Math.pow(10, rng.nextInt(-6, 4)));
        }
        v[0] = 0f;
        v[1] = -0f;
        v[2] = 65504f;                         // float16's largest
        v[3] = 1f + 0x1p-8f;                   // a bfloat16 tie: rounds to even (1.0)
        v[4] = 1f + 0x3p-8f;                   // a tie that rounds up
        return v;
    }

    @Test
    void float16MatchesPyTorchsRounding() throws Exception {
        float[] v = values();
        Path file = tmp.resolve("f16.safetensors");
        SafetensorsWriter.write(file, Map.of("w", new SafetensorsWriter.Tensor(new long[] {64, 64}, v)), "F16");
        SafetensorsFile f = SafetensorsFile.open(file);
        assertEquals("F16", f.entries().get("w").dtype());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] read = f.load("w", m, DataType.FLOAT32).toFloatArray();
            NDArray torch = m.create(v).toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
            assertArrayEquals(torch.toFloatArray(), read, 0f);
        }
    }

    @Test
    void bfloat16RoundsToNearestEven() throws Exception {
        float[] v = values();
        Path file = tmp.resolve("bf16.safetensors");
        SafetensorsWriter.write(file, Map.of("w", new SafetensorsWriter.Tensor(new long[] {64, 64}, v)), "BF16");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] read = SafetensorsFile.open(file).load("w", m, DataType.FLOAT32).toFloatArray();
            assertEquals(1f, read[3], 0f);
            assertEquals(1f + 0x4p-8f, read[4], 0f);
            for (int i = 0; i < v.length; i++) {
                // nearest: within half a unit of bfloat16's 8-bit significand
                assertEquals(v[i], read[i], Math.abs(v[i]) * 0x1p-8f, "element " + i);
            }
        }
    }

    @Test
    void otherDtypesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(tmp.resolve("x.safetensors"),
                Map.of("w", new SafetensorsWriter.Tensor(new long[] {1}, new float[] {1f})), "F8"));
    }
}
