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

/** Writes float32 tensors as a {@code .safetensors} file, atomically (temp file, then move). */
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
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : new LinkedHashMap<>(tensors).entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            entry.putArray("shape").addAll(java.util.Arrays.stream(e.getValue().shape())
                    .mapToObj(json.getNodeFactory()::numberNode).toList());
            long bytes = 4L * e.getValue().data().length;
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
                    ByteBuffer buf = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(t.data());
                    out.write(buf.array());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {       // a failed move too: never leave the temp file
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

}
