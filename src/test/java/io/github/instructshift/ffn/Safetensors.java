package io.github.instructshift.ffn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one F32 tensor of a safetensors file, for reading the fixtures' reference values in tests. */
final class Safetensors {
    private Safetensors() {}

    record Tensor(long[] shape, float[] data) {
        float[][] rows() {
            int r = (int) shape[0];
            int c = data.length / r;
            float[][] out = new float[r][c];
            for (int i = 0; i < r; i++) {
                System.arraycopy(data, i * c, out[i], 0, c);
            }
            return out;
        }
    }

    static Tensor read(Path file, String name) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) buf.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(all, 8, headerLen, StandardCharsets.UTF_8));
        JsonNode t = header.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + " has no tensor " + name);
        }
        if (!"F32".equals(t.get("dtype").asText())) {
            throw new IllegalArgumentException(file + ": " + name + " is " + t.get("dtype") + ", not F32");
        }
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("shape").get(i).asLong();
        }
        int start = 8 + headerLen + t.get("data_offsets").get(0).asInt();
        int end = 8 + headerLen + t.get("data_offsets").get(1).asInt();
        float[] data = new float[(end - start) / 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = buf.getFloat(start + 4 * i);
        }
        return new Tensor(shape, data);
    }
}
