package io.github.instructshift.attribution;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a checkpoint's results depend on, cheap to take even for a 7B model: for every weight file (the single
 * {@code model.safetensors}, or each shard the {@code model.safetensors.index.json} names) its size, modified time
 * and the SHA-256 of its header (the 8-byte length and the JSON that lists every tensor's dtype, shape and offsets);
 * for the config, tokenizer and index files the SHA-256 of their content. A run records it so that a resume against
 * other weights is refused, naming the file ({@link #changes}). Read from the files directly, headers only.
 *
 * @param files file name in the checkpoint directory → its stamp
 */
public record CheckpointFingerprint(Map<String, Stamp> files) {
    /** Files whose content is hashed whole (when present). */
    static final List<String> CONTENT_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json", "model.safetensors.index.json");
    private static final String INDEX = "model.safetensors.index.json";
    private static final String SINGLE = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One file's stamp: a weight file has {@code size}, {@code modified} and {@code headerSha256}; any other file
     * {@code sha256} of its content.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stamp(Long size, String modified, String headerSha256, String sha256) {}

    public CheckpointFingerprint {
        files = new TreeMap<>(Objects.requireNonNull(files, "files"));
    }

    /** Takes the fingerprint of the checkpoint in {@code dir}. */
    public static CheckpointFingerprint of(Path dir) {
        Map<String, Stamp> files = new TreeMap<>();
        for (String name : CONTENT_FILES) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                files.put(name, new Stamp(null, null, null, sha256(p)));
            }
        }
        for (String weights : weightFiles(dir)) {
            Path p = dir.resolve(weights);
            try {
                files.put(weights, new Stamp(Files.size(p), Files.getLastModifiedTime(p).toInstant().toString(),
                        headerSha256(p), null));
            } catch (IOException e) {
                throw new AttributionException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return new CheckpointFingerprint(files);
    }

    /** A fingerprint as {@link #toJson} wrote it. */
    public static CheckpointFingerprint fromJson(JsonNode node, String where) {
        try {
            CheckpointFingerprint f = JSON.treeToValue(node, CheckpointFingerprint.class);
            if (f == null) {
                throw new AttributionException(where + ": no fingerprint");
            }
            return f;
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new AttributionException(where + " is not a checkpoint fingerprint: " + e.getMessage(), e);
        }
    }

    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    /**
     * How the checkpoint in {@code dir} differs now from this recorded fingerprint: one line per file that
     * changed, appeared or went ({@code dir/FILE: what}); empty when nothing did.
     */
    public List<String> changes(CheckpointFingerprint now, Path dir) {
        List<String> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(files.keySet());
        names.addAll(now.files.keySet());
        for (String name : names) {
            Stamp then = files.get(name);
            Stamp current = now.files.get(name);
            Path p = dir.resolve(name);
            if (then == null) {
                out.add(p + ": not there when the run began");
            } else if (current == null) {
                out.add(p + ": gone since the run began");
            } else if (!Objects.equals(then.sha256(), current.sha256())) {
                out.add(p + ": its content changed");
            } else if (!Objects.equals(then.headerSha256(), current.headerSha256())) {
                out.add(p + ": its tensor header changed");
            } else if (!Objects.equals(then.size(), current.size())) {
                out.add(p + ": " + then.size() + " bytes then, " + current.size() + " now");
            } else if (!Objects.equals(then.modified(), current.modified())) {
                out.add(p + ": modified " + current.modified() + ", after the run began (then " + then.modified() + ")");
            }
        }
        return out;
    }

    /** The weight files: the shards the index names (each once), else the single file. */
    static List<String> weightFiles(Path dir) {
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            if (!Files.isRegularFile(dir.resolve(SINGLE))) {
                throw new AttributionException(dir + ": no " + SINGLE + " or " + INDEX);
            }
            return List.of(SINGLE);
        }
        JsonNode map;
        try {
            map = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new AttributionException(index + " is not readable JSON: " + e.getMessage(), e);
        }
        if (map == null || !map.isObject()) {
            throw new AttributionException(index + ": field 'weight_map' is missing");
        }
        TreeSet<String> shards = new TreeSet<>();
        for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
            JsonNode shard = it.next();
            if (!shard.isTextual() || !Files.isRegularFile(dir.resolve(shard.asText()))) {
                throw new AttributionException(index + ": weight_map names shard " + shard + ", which is not a file in " + dir);
            }
            shards.add(shard.asText());
        }
        return List.copyOf(shards);
    }

    /** SHA-256 of the safetensors header: the 8-byte little-endian length and that many bytes of JSON. */
    static String headerSha256(Path file) {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, length, 0);
            long n = length.getLong(0);
            if (size < 8 || n < 0 || n > size - 8 || n > Integer.MAX_VALUE - 8) {
                throw new AttributionException(file + ": not a safetensors file (header length " + n + " for "
                        + size + " bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate(8 + (int) n);
            readFully(ch, header, 0);
            return hex(digest().digest(header.array()));
        } catch (IOException e) {
            throw new AttributionException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long from) throws IOException {
        long position = from;
        while (buffer.hasRemaining()) {
            int read = ch.read(buffer, position);
            if (read < 0) {
                throw new IOException("ends after " + position + " bytes");
            }
            position += read;
        }
    }

    private static String sha256(Path file) {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                d.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new AttributionException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return hex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
