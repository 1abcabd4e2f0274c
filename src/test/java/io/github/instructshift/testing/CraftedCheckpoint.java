package io.github.instructshift.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fixture copied to a temporary directory, to be corrupted by a test: its config edited, its
 * safetensors header or data rewritten byte by byte. The bad checkpoints are made here, in code.
 */
public final class CraftedCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CraftedCheckpoint() {}

    /** Copies fixture {@code name} of ../shared/fixtures into {@code parent}/{@code name}. */
    public static Path copy(String name, Path parent) throws IOException {
        Path src = Shared.fixture(name);
        Path dst = parent.resolve(name);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    /** Sets {@code field} of {@code dir}/{@code file} to {@code value} (a JsonNode is set as it is). */
    public static void edit(Path dir, String file, String field, Object value) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(dir.resolve(file).toFile());
        json.set(field, value instanceof JsonNode n ? n : JSON.valueToTree(value));
        JSON.writeValue(dir.resolve(file).toFile(), json);
    }

    public static ObjectNode object(Object value) {
        return JSON.valueToTree(value);
    }

    /** A safetensors file as its header (in file order) and its data bytes. */
    public record Raw(ObjectNode header, byte[] data) {
        public static Raw read(Path file) throws IOException {
            byte[] all = Files.readAllBytes(file);
            int headerLen = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            ObjectNode header = (ObjectNode) JSON.readTree(new String(all, 8, headerLen, StandardCharsets.UTF_8));
            return new Raw(header, Arrays.copyOfRange(all, 8 + headerLen, all.length));
        }

        /** Writes header and data; {@code afterJson} goes between the header JSON and the data. */
        public void write(Path file, byte[] afterJson) throws IOException {
            byte[] json = JSON.writeValueAsBytes(header);
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(json.length + afterJson.length).array());
                out.write(json);
                out.write(afterJson);
                out.write(data);
            }
        }

        public void write(Path file) throws IOException {
            write(file, new byte[0]);
        }

        public long begin(String tensor) {
            return header.get(tensor).get("data_offsets").get(0).asLong();
        }

        /** Overwrites element {@code index} of F32 tensor {@code tensor}. */
        public void setFloat(String tensor, int index, float value) {
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) begin(tensor) + 4 * index, value);
        }

        /** This file without {@code tensor}, the others packed together again. */
        public Raw without(String tensor) {
            ObjectNode header = this.header.deepCopy();
            header.remove(tensor);
            java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                ObjectNode entry = (ObjectNode) e.getValue();
                int begin = entry.get("data_offsets").get(0).asInt();
                int end = entry.get("data_offsets").get(1).asInt();
                int at = packed.size();
                packed.write(data, begin, end - begin);
                entry.putArray("data_offsets").add(at).add(at + end - begin);
            }
            return new Raw(header, packed.toByteArray());
        }
    }
}
