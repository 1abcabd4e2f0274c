package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.testing.Fixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Half-precision checkpoints and compute: what a researcher's bf16 LLaMA-2 download goes through. */
class DtypeTest {
    @TempDir
    Path tmp;

    /** Rounds a float to the nearest bf16 (ties to even), independently of the loader's code. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Copies a fixture with every weight re-stored as {@code dtype} (BF16 or F16, rounded here in the test). */
    private Path halfCopy(Fixture f, String dtype) throws IOException {
        Path dir = tmp.resolve(f.name() + "-" + dtype);
        Files.createDirectories(dir);
        for (String name : new String[] {"config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(f.dir().resolve(name), dir.resolve(name));
        }
        SafetensorsFile src = SafetensorsFile.open(f.dir().resolve("model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (SafetensorsFile.Entry e : src.entries().values()) {
            ObjectNode n = header.putObject(e.name());
            n.put("dtype", dtype);
            n.set("shape", json.valueToTree(e.shape().getShape()));
            long bytes = 2 * e.shape().size();
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] head = json.writeValueAsBytes(header);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             OutputStream out = Files.newOutputStream(dir.resolve("model.safetensors"))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            out.write(head);
            for (SafetensorsFile.Entry e : src.entries().values()) {
                NDArray w = src.load(e.name(), m, DataType.FLOAT32);
                float[] values = w.toFloatArray();
                short[] halves = dtype.equals("BF16") ? null : halfBits(w.toType(DataType.FLOAT16, false));
                ByteBuffer buf = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < values.length; i++) {
                    buf.putShort(halves == null ? toBf16(values[i]) : halves[i]);
                }
                out.write(buf.array());
            }
        }
        return dir;
    }

    /** The raw binary16 bits of a float16 array, as PyTorch rounded them. */
    static short[] halfBits(NDArray half) {
        ByteBuffer bytes = half.toByteBuffer().order(ByteOrder.nativeOrder());
        short[] bits = new short[Math.toIntExact(half.size())];
        bytes.asShortBuffer().get(bits);
        return bits;
    }

    @Test
    void bf16CheckpointWidensExactlyAndKeepsLogitsClose() throws IOException {
        Fixture f = Fixture.of("tiny-llama");
        Checkpoint bf16 = Checkpoint.open(halfCopy(f, "BF16"));
        assertEquals("BF16", bf16.storedDtypes());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] original = Checkpoint.open(f.dir()).weights().embedding(m).toFloatArray();
            float[] widened = bf16.weights().embedding(m).toFloatArray();
            for (int i = 0; i < original.length; i++) {
                float expected = Float.intBitsToFloat(toBf16(original[i]) << 16);
                assertEquals(expected, widened[i], 0f, "element " + i);
            }
        }
        // bf16 keeps 8 mantissa bits: relative weight error ≤ 2^-9, which moves these logits by ~1e-2
        assertLogitsClose(f, bf16.load(LoadOptions.defaults()), 0.05);
        assertLogitsClose(f, bf16.load(new LoadOptions(ai.djl.Device.cpu(), DataType.FLOAT16)), 0.05);
    }

    @Test
    void f16CheckpointAndF16Compute() throws IOException {
        Fixture f = Fixture.of("tiny-qwen2");
        Checkpoint f16 = Checkpoint.open(halfCopy(f, "F16"));
        assertLogitsClose(f, f16.load(LoadOptions.defaults()), 0.01);
        // the original f32 weights computed in half precision (f16 has 11 mantissa bits)
        assertLogitsClose(f, Checkpoint.open(f.dir()).load(new LoadOptions(ai.djl.Device.cpu(), DataType.FLOAT16)), 0.02);
    }

    /**
     * Weights kept in float16 and widened per layer compute exactly what weights widened once at load
     * compute (float16 → float32 is exact), for logits and for attribution gradients alike.
     */
    @Test
    void float16ResidencyComputesExactlyAsWideningAtLoad() throws IOException {
        Fixture f = Fixture.of("tiny-llama3-gqa");
        Checkpoint f16 = Checkpoint.open(halfCopy(f, "F16"));
        long[] ids = f.ids("prompt_ids");
        try (CausalLM once = f16.load(new LoadOptions(ai.djl.Device.cpu(), DataType.FLOAT32, LoadOptions.Weights.COMPUTE));
             CausalLM perLayer = f16.load(new LoadOptions(ai.djl.Device.cpu(), DataType.FLOAT32, LoadOptions.Weights.FLOAT16))) {
            assertEquals(DataType.FLOAT32, once.residentDtype());
            assertEquals(DataType.FLOAT16, perLayer.residentDtype());
            float[][] a = once.sequenceLogits(ids);
            float[][] b = perLayer.sequenceLogits(ids);
            for (int t = 0; t < a.length; t++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a[t], b[t], 0f, "position " + t);
            }
            long[] response = java.util.Arrays.copyOf(ids, 3);
            float[][] ga = new io.github.instructshift.attribution.GradientAttributor(once).attribute(ids, response);
            float[][] gb = new io.github.instructshift.attribution.GradientAttributor(perLayer).attribute(ids, response);
            for (int n = 0; n < ga.length; n++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(ga[n], gb[n], 0f, "prompt row " + n);
            }
            // the baseline under float16 residency goes layer by layer (no all-layer graph): same matrix to float rounding
            float[][] oa = new io.github.instructshift.attribution.GradientAttributor(once).attributeOneByOne(ids, response);
            float[][] ob = new io.github.instructshift.attribution.GradientAttributor(perLayer).attributeOneByOne(ids, response);
            float scale = 0;
            for (float[] row : oa) {
                for (float v : row) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            for (int n = 0; n < oa.length; n++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(oa[n], ob[n], 1e-4f * scale, "one-by-one prompt row " + n);
            }
        }
        assertEquals(LoadOptions.Weights.FLOAT16, LoadOptions.parse("cpu", "float32", "float16").weights());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("cpu", "float32", "bf8"))
                .getMessage().contains("bf8"));
    }

    private static void assertLogitsClose(Fixture f, CausalLM lm, double relative) {
        try (lm; NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[][] ours = lm.sequenceLogits(f.ids("prompt_ids"));
            float[] theirs = f.tensor("prompt_logits", m).toFloatArray();
            double scale = 0;
            double worst = 0;
            int vocab = ours[0].length;
            for (int i = 0; i < theirs.length; i++) {
                scale = Math.max(scale, Math.abs(theirs[i]));
                worst = Math.max(worst, Math.abs(ours[i / vocab][i % vocab] - theirs[i]));
            }
            System.out.printf("%s as %s: max |Δlogit| / max |logit| = %.3g%n", f.name(), lm.dtype(), worst / scale);
            assertTrue(worst <= relative * scale, f.name() + " " + lm.dtype() + ": " + worst / scale);
            assertTrue(worst > 0, "half precision cannot be bit-identical to float32 here");
        }
    }

    @Test
    void halfFloatEncodingAgreesWithPyTorch() {
        Random random = new Random(3);
        float[] values = new float[20000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 8));
        }
        values[0] = 65504f;
        values[1] = 1e6f;
        values[2] = 6e-8f;
        values[3] = -0f;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            short[] torch = halfBits(m.create(values).toType(DataType.FLOAT16, false));
            for (int i = 0; i < values.length; i++) {
                assertEquals(torch[i], HalfFloat.fromFloat(values[i]), "value " + values[i]);
            }
        }
    }

    @Test
    void bf16ComputeIsRefusedWithAReason() {
        String msg = assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("cpu", "bf16")).getMessage();
        assertTrue(msg.contains("float16"), msg);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("gpu:3", "float32"))
                .getMessage().contains("GPU"));
    }
}
