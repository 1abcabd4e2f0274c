package io.github.instructshift.report;

import io.github.instructshift.ffn.LabellerSpec;
import io.github.instructshift.model.LoadOptions;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
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
 * <p>The {@link Profile} says which settings the analyses use: the paper's (the command line's) for
 * any pair but the embedded organism, which gets settings sized for it; {@code profile} forces either.
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
 * @param profile  the analyses' settings: {@link Profile#PAPER} (the command line's, the paper's) unless both
 *                 checkpoints are the embedded organism's, or as forced by the key {@code profile}
 * @param vectors  GloVe-format word vectors for the head analysis's relatedness test (as {@code heads --vectors}), or null
 * @param labeller the FFN concept labeller (keys {@code labeller}, {@code labeller_endpoint}, {@code labeller_model},
 *                 {@code labeller_key_env})
 * @param sources  for every key, where its value came from
 */
public record NotebookConfig(Path root, Path base, Path tuned, Path paper, String device, String dtype, Path figures,
                             int prompts, int threads, Profile profile, Path vectors, LabellerSpec labeller,
                             Map<String, String> sources) {

    public static final String DEFAULT_BASE = "data/models/organism-base";
    public static final String DEFAULT_TUNED = "data/models/organism-tuned";
    public static final String ENV_PREFIX = "INSTRUCT_SHIFT_";
    public static final String CONFIG_ENV = "INSTRUCT_SHIFT_CONFIG";
    public static final String CONFIG_FILE = "instruct-shift.properties";
    /** The keys, in display order. */
    public static final List<String> KEYS = List.of("base", "tuned", "paper", "device", "dtype", "threads", "figures",
            "prompts", "profile", "vectors", "labeller", "labeller_endpoint", "labeller_model", "labeller_key_env");
    /** The ShareGPT word list in the authors' data folder (the paper's vocabulary for Findings 2 and 3). */
    public static final String SHAREGPT_VOCABULARY = "datasets/SingleShareGPT_Vocab.tsv";

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
                "dtype", "float32", "threads", "1", "figures", "figures", "prompts", "6", "labeller", "offline",
                "labeller_key_env", LabellerSpec.DEFAULT_KEY_ENV);
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
        Path base = root.resolve(values.get("base")).normalize();
        Path tuned = root.resolve(values.get("tuned")).normalize();
        Profile profile = values.containsKey("profile")
                ? Profile.parse(values.get("profile"), "profile (from " + sources.get("profile") + ")")
                : Profile.forPair(root, base, tuned);
        if (!values.containsKey("profile")) {
            sources.put("profile", profile == Profile.ORGANISM ? "default: both models are the embedded organism"
                    : "default: the pair is not the embedded organism");
        }
        Path vectors = values.containsKey("vectors") ? root.resolve(values.get("vectors")).normalize() : null;
        if (vectors != null && !Files.isRegularFile(vectors)) {
            throw new ReportException("vectors = " + values.get("vectors") + " (from " + sources.get("vectors") + ", i.e. "
                    + vectors + ") is not a file: expected GloVe text-format word vectors (word, then the numbers)");
        }
        return new NotebookConfig(root, base, tuned, paper, values.get("device").trim().toLowerCase(Locale.ROOT),
                values.get("dtype").trim().toLowerCase(Locale.ROOT), root.resolve(values.get("figures")).normalize(),
                prompts, threads, profile, vectors, labeller(values, sources), sources);
    }

    private static LabellerSpec labeller(Map<String, String> values, Map<String, String> sources) {
        String kind = values.get("labeller").toLowerCase(Locale.ROOT);
        if (!kind.equals("offline") && !kind.equals("openai")) {
            throw new ReportException("labeller = '" + values.get("labeller") + "' (from " + sources.get("labeller")
                    + ") must be 'offline' or 'openai'");
        }
        URI endpoint = null;
        if (values.containsKey("labeller_endpoint")) {
            try {
                endpoint = new URI(values.get("labeller_endpoint"));
            } catch (URISyntaxException e) {
                endpoint = null;
            }
            if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null) {
                throw new ReportException("labeller_endpoint = '" + values.get("labeller_endpoint") + "' (from "
                        + sources.get("labeller_endpoint") + ") is not a URL such as https://api.openai.com/v1");
            }
        }
        if (kind.equals("openai") && (endpoint == null || !values.containsKey("labeller_model"))) {
            throw new ReportException("labeller = openai (from " + sources.get("labeller") + ") needs labeller_endpoint"
                    + " (" + envName("labeller_endpoint") + ") and labeller_model (" + envName("labeller_model") + ")");
        }
        return new LabellerSpec(kind, endpoint, values.get("labeller_model"), values.get("labeller_key_env"));
    }

    /**
     * The authors' ShareGPT word list, which the paper profile reads for Findings 2 and 3; when the
     * authors' folder is not configured a {@link ReportException} says which key to set.
     */
    public Path shareGptVocabulary() {
        if (paper == null) {
            throw new ReportException("profile paper reads the ShareGPT vocabulary (" + SHAREGPT_VOCABULARY + ") from the"
                    + " authors' data: set paper (" + envName("paper") + ") to their folder, or profile=organism ("
                    + envName("profile") + ") for the organism's settings");
        }
        Path file = paper.resolve(SHAREGPT_VOCABULARY);
        if (!Files.isRegularFile(file)) {
            throw new ReportException("paper = " + paper + " (from " + sources.get("paper") + ") has no " + SHAREGPT_VOCABULARY
                    + ", the ShareGPT vocabulary profile paper reads");
        }
        return file;
    }

    /** Where the openai labeller keeps its answers, so a rerun asks the endpoint nothing twice. */
    public Path labelCache() {
        return root.resolve("data").resolve("cache").resolve("labels");
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
            case "profile" -> profile.key();
            case "vectors" -> vectors == null ? "(not given)" : vectors.toString();
            case "labeller" -> labeller.kind();
            case "labeller_endpoint" -> labeller.endpoint() == null ? "(not given)" : labeller.endpoint().toString();
            case "labeller_model" -> labeller.model() == null ? "(not given)" : labeller.model();
            case "labeller_key_env" -> labeller.keyEnv();
            default -> throw new IllegalArgumentException(key);
        };
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("notebook configuration");
        for (String k : KEYS) {
            s.append(String.format(Locale.ROOT, "%n  %-17s %s  (%s)", k, value(k), sources.get(k)));
        }
        return s.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
