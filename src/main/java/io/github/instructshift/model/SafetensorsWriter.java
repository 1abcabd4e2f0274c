package io.github.instructshift.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float32 tensors as a {@code .safetensors} file, atomically (temp file, then move), stored as
 * float32 or rounded to float16 / bfloat16 (nearest even) as checkpoints are shipped.
 */
public final class SafetensorsWriter {
    /** A float32 tensor in row-major order. */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape needs " + n + " values, got " + data.length);
            }
        }
    }

    private SafetensorsWriter() {}

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, "F32");
    }

    /** As {@link #write(Path, Map)}, stored as {@code dtype}: {@code F32}, {@code F16} or {@code BF16}. */
    public static void write(Path file, Map<String, Tensor> tensors, String dtype) throws IOException {
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("storage dtype must be F32, F16 or BF16, not " + dtype);
        };
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : new LinkedHashMap<>(tensors).entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype);
            entry.putArray("shape").addAll(java.util.Arrays.stream(e.getValue().shape())
                    .mapToObj(json.getNodeFactory()::numberNode).toList());
            long bytes = (long) width * e.getValue().data().length;
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] head = json.writeValueAsBytes(header);
        int padded = (head.length + 7) / 8 * 8;             // the format pads the header to 8 bytes
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(head, 0, headerBytes, 0, head.length);
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a directory; give the file to write, e.g. "
                    + file.resolve("out.safetensors"));
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(headerBytes);
                for (Tensor t : tensors.values()) {
                    out.write(encode(t.data(), dtype, width));
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {       // a failed move too: never leave the temp file
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static byte[] encode(float[] data, String dtype, int width) {
        ByteBuffer buf = ByteBuffer.allocate(width * data.length).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case "F32" -> buf.asFloatBuffer().put(data);
            case "F16" -> {
                for (float v : data) {
                    buf.putShort(HalfFloat.fromFloat(v));
                }
            }
            default -> {
                for (float v : data) {
                    buf.putShort(bfloat16(v));
                }
            }
        }
        return buf.array();
    }

    /** float32 → bfloat16 bits, rounded to nearest even (NaN stays a quiet NaN). */
    static short bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
