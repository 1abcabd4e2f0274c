package io.github.instructshift.report;

import io.github.instructshift.model.LoadOptions;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The notebooks' one configuration: which model pair, the authors' data folder (optional), device,
 * dtype, where figures go and how many of the authors' prompts per set are attributed on the pair.
 *
 * <p>Each setting is taken from, in this order: the environment variable {@code INSTRUCT_SHIFT_<KEY>}
 * (e.g. {@code INSTRUCT_SHIFT_BASE}); the properties file named by {@code INSTRUCT_SHIFT_CONFIG}, or
 * else {@code instruct-shift.properties} at the project root when it exists (keys {@code base},
 * {@code tuned}, …); the default, which is the embedded model pair {@value #DEFAULT_BASE} and
 * {@value #DEFAULT_TUNED} on the CPU in float32, without the authors' data. A blank value counts as
 * unset. Relative paths are resolved against the project root (the notebooks run in {@code notebooks/}).
 *
 * @param root     the project root (the folder with {@code pom.xml} and {@code notebooks/})
 * @param base     base model checkpoint directory
 * @param tuned    instruction-tuned checkpoint directory
 * @param paper    the authors' released data (with {@code datasets/} and {@code attributions/}), or null
 * @param device   {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}
 * @param dtype    {@code float32} or {@code float16}
 * @param figures  where figures and tables are written
 * @param prompts  the authors' prompts attributed on the pair per prompt set (the shortest ones)
 * @param threads  PyTorch's intra-op CPU threads, or 0 for PyTorch's own choice ({@code auto}); the default
 *                 is 1, which is fastest for a small pair (and on a busy machine); give a 7B pair more
 * @param sources  for every key, where its value came from
 */
public record NotebookConfig(Path root, Path base, Path tuned, Path paper, String device, String dtype, Path figures,
                             int prompts, int threads, Map<String, String> sources) {

    public static final String DEFAULT_BASE = "data/models/organism-base";
    public static final String DEFAULT_TUNED = "data/models/organism-tuned";
    public static final String ENV_PREFIX = "INSTRUCT_SHIFT_";
    public static final String CONFIG_ENV = "INSTRUCT_SHIFT_CONFIG";
    public static final String CONFIG_FILE = "instruct-shift.properties";
    /** The keys, in display order. */
    public static final List<String> KEYS = List.of("base", "tuned", "paper", "device", "dtype", "threads", "figures",
            "prompts");

    static final String DEFAULT = "default";

    public NotebookConfig {
        sources = Map.copyOf(sources);
    }

    /** From this process's environment and the project found above the working directory. */
    public static NotebookConfig load() {
        return resolve(System.getenv(), findRoot(Path.of("").toAbsolutePath()));
    }

    /** From {@code env} (and the properties file it or the root names) for the project at {@code root}. */
    public static NotebookConfig resolve(Map<String, String> env, Path root) {
        root = root.toAbsolutePath().normalize();
        Properties file = new Properties();
        String fileName = null;
        String named = blankToNull(env.get(CONFIG_ENV));
        Path path = named != null ? root.resolve(named) : root.resolve(CONFIG_FILE);
        if (named != null && !Files.isRegularFile(path)) {
            throw new ReportException(CONFIG_ENV + "=" + named + ": no such properties file (" + path + ")");
        }
        if (Files.isRegularFile(path)) {
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new ReportException("cannot read the notebook configuration " + path + ": " + e.getMessage(), e);
            }
            for (String key : file.stringPropertyNames()) {
                if (!KEYS.contains(key)) {
                    throw new ReportException(path + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
                }
            }
            fileName = path.toString();
        }
        return resolve(env, file, fileName, root);
    }

    static NotebookConfig resolve(Map<String, String> env, Properties file, String fileName, Path root) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> defaults = Map.of("base", DEFAULT_BASE, "tuned", DEFAULT_TUNED, "device", "cpu",
                "dtype", "float32", "threads", "1", "figures", "figures", "prompts", "6");
        for (String key : KEYS) {
            String var = envName(key);
            String fromEnv = blankToNull(env.get(var));
            String fromFile = blankToNull(file.getProperty(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
                sources.put(key, "environment " + var);
            } else if (fromFile != null) {
                values.put(key, fromFile);
                sources.put(key, "file " + fileName);
            } else if (defaults.containsKey(key)) {
                values.put(key, defaults.get(key));
                sources.put(key, DEFAULT);
            } else {
                sources.put(key, "not set");
            }
        }
        int prompts;
        try {
            prompts = Integer.parseInt(values.get("prompts").trim());
        } catch (NumberFormatException e) {
            prompts = -1;
        }
        if (prompts < 1) {
            throw new ReportException("prompts = '" + values.get("prompts") + "' (from " + sources.get("prompts")
                    + ") must be a whole number >= 1");
        }
        String threadValue = values.get("threads").trim().toLowerCase(Locale.ROOT);
        int threads;
        try {
            threads = threadValue.equals("auto") ? 0 : Integer.parseInt(threadValue);
        } catch (NumberFormatException e) {
            threads = -1;
        }
        if (threads < 0) {
            throw new ReportException("threads = '" + values.get("threads") + "' (from " + sources.get("threads")
                    + ") must be a whole number >= 1 or 'auto'");
        }
        Path paper = values.containsKey("paper") ? root.resolve(values.get("paper")).normalize() : null;
        if (paper != null && !Files.isRegularFile(paper.resolve("datasets").resolve("FinalDataset.tsv"))) {
            throw new ReportException("paper = " + values.get("paper") + " (from " + sources.get("paper") + ", i.e. "
                    + paper + ") is not the authors' data folder: expected datasets/FinalDataset.tsv,"
                    + " datasets/AnnotatedDataset.tsv and attributions/ifa_llama_7b, attributions/ifa_vicuna_7b in it");
        }
        return new NotebookConfig(root, root.resolve(values.get("base")).normalize(),
                root.resolve(values.get("tuned")).normalize(), paper, values.get("device").trim().toLowerCase(Locale.ROOT),
                values.get("dtype").trim().toLowerCase(Locale.ROOT), root.resolve(values.get("figures")).normalize(),
                prompts, threads, sources);
    }

    /** The environment variable of a key: {@code base} → {@code INSTRUCT_SHIFT_BASE}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT);
    }

    /**
     * The project root: the nearest folder at or above {@code start} with a {@code pom.xml} and a
     * {@code notebooks/} folder; {@code start} itself when there is none.
     */
    public static Path findRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("notebooks"))) {
                return p;
            }
        }
        return start.toAbsolutePath().normalize();
    }

    /**
     * This configuration when both checkpoints exist; otherwise a {@link ReportException} that says
     * which is missing and what to do: for the embedded default pair, that it has not been built yet.
     */
    public NotebookConfig requirePair() {
        StringBuilder problems = new StringBuilder();
        boolean defaults = false;
        for (String key : List.of("base", "tuned")) {
            Path dir = key.equals("base") ? base : tuned;
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                continue;
            }
            String what = Files.isDirectory(dir) ? "has no config.json" : "does not exist";
            if (DEFAULT.equals(sources.get(key))) {
                defaults = true;
                problems.append(String.format(Locale.ROOT, "%n  the default %s model %s %s (%s)", key,
                        key.equals("base") ? DEFAULT_BASE : DEFAULT_TUNED, what, dir));
            } else {
                problems.append(String.format(Locale.ROOT, "%n  %s = %s (from %s) %s", key, dir, sources.get(key), what));
            }
        }
        if (problems.length() == 0) {
            return this;
        }
        String advice = defaults
                ? "The embedded default model pair is missing: it is built by `./instruct-shift organism build` and"
                + " kept in data/models/. Until it is there, point the notebooks at a pair of Hugging Face"
                + " checkpoints with INSTRUCT_SHIFT_BASE=DIR and INSTRUCT_SHIFT_TUNED=DIR (or base=/tuned= in "
                + CONFIG_FILE + ")."
                : "Point INSTRUCT_SHIFT_BASE and INSTRUCT_SHIFT_TUNED at Hugging Face checkpoint directories"
                + " (config.json, tokenizer.json, safetensors weights).";
        throw new ReportException("model pair not found:" + problems + System.lineSeparator() + advice);
    }

    public Optional<Path> paperDir() {
        return Optional.ofNullable(paper);
    }

    public boolean hasPaper() {
        return paper != null;
    }

    /** Device and dtype as the model loader takes them. */
    public LoadOptions loadOptions() {
        try {
            return LoadOptions.parse(device, dtype);
        } catch (IllegalArgumentException e) {
            throw new ReportException("device = " + device + " (from " + sources.get("device") + "), dtype = " + dtype
                    + " (from " + sources.get("dtype") + "): " + e.getMessage(), e);
        }
    }

    /**
     * Sets PyTorch's intra-op thread count to {@link #threads} (nothing for {@code auto}). PyTorch's
     * threads wait for each other after every operation, which costs more than it gains on the small
     * matrices of a small model, and far more when other processes hold the cores.
     */
    public void applyThreads() {
        if (threads > 0) {
            ai.djl.engine.Engine.getEngine("PyTorch");          // loads the native library first
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    /** Setting, value and where it came from, one row per key. */
    public Table table() {
        StringColumn key = StringColumn.create("setting");
        StringColumn value = StringColumn.create("value");
        StringColumn from = StringColumn.create("from");
        for (String k : KEYS) {
            key.append(k);
            value.append(value(k));
            from.append(sources.get(k));
        }
        return Table.create("notebook configuration", key, value, from);
    }

    private String value(String key) {
        return switch (key) {
            case "base" -> base.toString();
            case "tuned" -> tuned.toString();
            case "paper" -> paper == null ? "(not given: the authors' tables are skipped)" : paper.toString();
            case "device" -> device;
            case "dtype" -> dtype;
            case "figures" -> figures.toString();
            case "prompts" -> Integer.toString(prompts);
            case "threads" -> threads == 0 ? "auto" : Integer.toString(threads);
            default -> throw new IllegalArgumentException(key);
        };
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("notebook configuration");
        for (String k : KEYS) {
            s.append(String.format(Locale.ROOT, "%n  %-8s %s  (%s)", k, value(k), sources.get(k)));
        }
        return s.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
