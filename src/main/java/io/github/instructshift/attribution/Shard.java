package io.github.instructshift.attribution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Slice {@code index} of {@code count} of a prompt selection, for spreading one run over a job array or over
 * several GPUs: prompt {@code k} of the selection (in its order) belongs to shard {@code k mod count}, so shards
 * are deterministic, disjoint, cover the selection, and mix long and short prompt sets evenly. Indices are
 * 0-based, as {@code SLURM_ARRAY_TASK_ID} is with {@code --array=0-(N-1)}.
 */
public record Shard(int index, int count) {
    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard must be i/N with N >= 1 and 0 <= i < N, got " + index + "/" + count);
        }
    }

    /** {@code "i/N"}, e.g. {@code "3/8"}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--shard must be i/N (0-based i, e.g. 0/4 to 3/4), got '" + text + "'");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard must be i/N with whole numbers, got '" + text + "'");
        }
    }

    /** The shard's prompts, in the selection's order. */
    public <T> List<T> slice(List<T> selection) {
        List<T> mine = new ArrayList<>();
        for (int k = index; k < selection.size(); k += count) {
            mine.add(selection.get(k));
        }
        return mine;
    }

    /** Whether position {@code k} of the selection is this shard's. */
    public boolean owns(int k) {
        return k % count == index;
    }

    /** SHA-256 of the selection's IDs in order: shards of one run record the same digest. */
    public static <T> String digest(List<T> selection, Function<T, String> id) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (T t : selection) {
                sha.update(id.apply(t).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
