package io.github.instructshift.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the output folders of a sharded run ({@link Shard}) into one run folder, refusing anything that would
 * make the merged tables differ from a single run's: a folder that is no shard or was made with other settings,
 * other weights or another prompt selection, a shard given twice or missing, an unfinished shard, a result in
 * the wrong shard (overlap) and a prompt with no result that its shard did not skip. The merged folder then holds
 * every result, so the run's own summary step finds them all done and writes its tables without loading a model.
 * Results are copied, never moved: the shard folders stay as they were.
 */
public final class ShardMerge {
    /** The field of {@code run.json} that marks a shard. */
    public static final String FIELD = "shard";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the merged run must match.
     *
     * @param settings     the merged run's own settings, as its {@code run.json} records them (no shard field)
     * @param fingerprints the checkpoints' fingerprints by role, as {@code run.json} records them
     * @param selection    the prompt IDs of the whole selection, in order
     * @param ownDirs      result folders every finished shard must fill (relative, e.g. {@code results/base})
     * @param pairedDirs   result folders of paired runs, filled when the shard's summary has a paired part
     */
    public record Expected(JsonNode settings, JsonNode fingerprints, List<String> selection,
                           List<String> ownDirs, List<String> pairedDirs) {}

    /** What was merged: shard count and result files copied, by folder. */
    public record Merged(int shards, Map<String, Integer> copied) {}

    private ShardMerge() {}

    /** The {@code shard} entry of a shard's {@code run.json}. */
    public static Map<String, Object> describe(Shard shard, List<String> selection) {
        return Map.of("index", shard.index(), "count", shard.count(), "selection_size", selection.size(),
                "selection_sha256", Shard.digest(selection, s -> s));
    }

    public static Merged merge(List<Path> shardDirs, Path out, Expected expected, String manifestName,
                               String summaryName) throws IOException {
        if (shardDirs.isEmpty()) {
            throw new AttributionException("nothing to merge: give the shard folders");
        }
        String digest = Shard.digest(expected.selection(), s -> s);
        Map<Integer, Path> byIndex = new HashMap<>();
        Map<Path, Shard> shards = new HashMap<>();
        Integer count = null;
        for (Path dir : shardDirs) {
            Path file = dir.resolve(manifestName);
            JsonNode run = readObject(file, "its run record");
            JsonNode s = run.get(FIELD);
            if (s == null || !s.isObject()) {
                throw new AttributionException(file + " has no '" + FIELD + "' field: " + dir
                        + " is not the output of an 'attribute --shard i/N' run");
            }
            Shard shard;
            try {
                shard = new Shard(s.path("index").asInt(-1), s.path("count").asInt(-1));
            } catch (IllegalArgumentException e) {
                throw new AttributionException(file + " field '" + FIELD + "': " + e.getMessage());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.settings().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().equals(run.get(e.getKey()))) {
                    throw new AttributionException(file + " field '" + e.getKey() + "' is " + run.get(e.getKey())
                            + ", but this run has " + e.getValue() + ": shard " + shard + " was made with other settings");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fingerprints().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = file + " field 'fingerprints." + e.getKey() + "'";
                JsonNode then = run.path("fingerprints").get(e.getKey());
                if (then == null) {
                    throw new AttributionException(where + " is missing: shard " + shard + " cannot show which weights it used");
                }
                List<String> changes = CheckpointFingerprint.fromJson(then, where)
                        .changes(CheckpointFingerprint.fromJson(e.getValue(), "now"), Path.of(e.getKey()));
                if (!changes.isEmpty()) {
                    throw new AttributionException(where + ": shard " + shard + " was computed from other "
                            + e.getKey() + " files than those given now (" + String.join("; ", changes) + ")");
                }
            }
            if (!digest.equals(s.path("selection_sha256").asText())
                    || s.path("selection_size").asInt(-1) != expected.selection().size()) {
                throw new AttributionException(file + ": shard " + shard + " was cut from another prompt selection ("
                        + s.path("selection_size") + " prompts there, " + expected.selection().size()
                        + " here, or other IDs): use the same --paper/--prompts, --set and --limit as the shards");
            }
            if (count != null && count != shard.count()) {
                throw new AttributionException(dir + " is shard " + shard + ", but the others are of " + count);
            }
            count = shard.count();
            Path twin = byIndex.put(shard.index(), dir);
            if (twin != null) {
                throw new AttributionException("shard " + shard + " given twice: " + twin + " and " + dir);
            }
            shards.put(dir, shard);
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!byIndex.containsKey(i)) {
                missing.add(i + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            throw new AttributionException("shard(s) " + String.join(", ", missing) + " missing: give all " + count
                    + " shard folders");
        }
        Map<String, Integer> position = new HashMap<>();
        for (int k = 0; k < expected.selection().size(); k++) {
            position.put(expected.selection().get(k), k);
        }
        Map<String, Integer> copied = new java.util.LinkedHashMap<>();
        for (Path dir : shardDirs) {
            Shard shard = shards.get(dir);
            JsonNode summary = readObject(dir.resolve(summaryName), "the summary a finished shard writes (unfinished? resume it first)");
            List<String> folders = new ArrayList<>(expected.ownDirs());
            Set<String> skipped = skippedIds(summary.path("skipped"));
            Set<String> pairedSkipped = Set.of();
            if (summary.has("paired")) {
                folders.addAll(expected.pairedDirs());
                pairedSkipped = skippedIds(summary.path("paired").path("skipped"));
            }
            for (String rel : folders) {
                boolean paired = expected.pairedDirs().contains(rel);
                Path from = dir.resolve(rel);
                Set<String> have = new HashSet<>();
                if (Files.isDirectory(from)) {
                    for (String id : new ResultStore(from).ids()) {
                        Integer k = position.get(id);
                        if (k == null) {
                            throw new AttributionException(from.resolve(id + ".json") + ": prompt '" + id
                                    + "' is not in this prompt selection");
                        }
                        if (!shard.owns(k)) {
                            throw new AttributionException(from.resolve(id + ".json") + ": prompt '" + id + "' belongs to shard "
                                    + (k % count) + "/" + count + ", not to " + shard + " (overlapping shards)");
                        }
                        have.add(id);
                        copy(from.resolve(id + ".json"), out.resolve(rel).resolve(id + ".json"));
                    }
                }
                for (String id : shard.slice(expected.selection())) {
                    if (!have.contains(id) && !(paired ? pairedSkipped : skipped).contains(id)) {
                        throw new AttributionException("prompt '" + id + "' of shard " + shard + " has no result in "
                                + from + " and the shard did not skip it: the shard folder is incomplete");
                    }
                }
                copied.merge(rel, have.size(), Integer::sum);
            }
        }
        return new Merged(count, copied);
    }

    private static Set<String> skippedIds(JsonNode list) {
        Set<String> ids = new HashSet<>();
        for (JsonNode k : list) {
            ids.add(k.path("id").asText());
        }
        return ids;
    }

    /** Copies a result; one already there must be byte-identical (a re-merge), else the merge is refused. */
    private static void copy(Path from, Path to) throws IOException {
        byte[] content = Files.readAllBytes(from);
        if (Files.isRegularFile(to)) {
            if (!Arrays.equals(content, Files.readAllBytes(to))) {
                throw new AttributionException(to + " already holds another result than " + from
                        + ": merge into a new --out");
            }
            return;
        }
        Files.createDirectories(to.getParent());
        AtomicFiles.write(to, content);
    }

    private static JsonNode readObject(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new AttributionException(file + " not found (" + what + ")");
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new AttributionException(file + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new AttributionException(file + " is not readable JSON: " + e.getMessage(), e);
        }
    }
}
