package io.github.instructshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.attribution.AttributionException;
import io.github.instructshift.attribution.AttributionPrompt;
import io.github.instructshift.attribution.AttributionResults;
import io.github.instructshift.attribution.AttributionRun;
import io.github.instructshift.files.AtomicFiles;
import io.github.instructshift.attribution.AttributionSummary;
import io.github.instructshift.attribution.CheckpointFingerprint;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.OutputLock;
import io.github.instructshift.attribution.PieceIds;
import io.github.instructshift.attribution.PromptAttributor;
import io.github.instructshift.attribution.PromptFiles;
import io.github.instructshift.attribution.ResultStore;
import io.github.instructshift.attribution.Shard;
import io.github.instructshift.attribution.ShardMerge;
import io.github.instructshift.data.DataFormatException;
import io.github.instructshift.data.PaperDatasets;
import io.github.instructshift.data.PromptRecord;
import io.github.instructshift.data.PromptSet;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.CheckpointException;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.PromptFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code instruct-shift attribute}: Finding 1's pipeline over a prompt set, for one model or a
 * base/tuned pair. For every prompt and model: the greedy response, the raw gradient×input attribution,
 * the importance densities and the instruction score ({@link PromptAttributor}). Results go to
 * {@code OUT/results/base} and {@code OUT/results/tuned}, one JSON file per prompt written as soon as it
 * is computed ({@link ResultStore}), so a killed run resumes where it stopped; {@code OUT/run.json} pins
 * the settings a resumed run must share. At the end: {@code scores.csv} (one row per prompt and model),
 * {@code summary.csv} (set, group, n, mean, std, p: the columns of {@code attribution-tables}' table2.csv)
 * and {@code summary.json} (with Welch's t and degrees of freedom), and the summary table on stdout.
 * Models are loaded one at a time. {@code attribution-tables --results OUT/results} reads the results.
 *
 * <p>{@code --paired} (with {@code --base}): each model's response is also attributed under the other model
 * (teacher forcing, {@link PromptAttributor#force}), so that a difference is about the model and not about a
 * different answer. The forced results go to {@code OUT/paired/base-on-tuned-response} and
 * {@code OUT/paired/tuned-on-base-response} (outside {@code OUT/results}, which stays the own responses that
 * {@code attribution-tables} reads), resumable in the same way; the other model's responses are read from its
 * stored results, so the order is base (own), tuned (own, then on the base responses), base again (on the tuned
 * responses), one model in memory at a time. Both models must share a vocabulary. The summary adds, per set and
 * response source, the mean score under each model and a paired t-test (H1: tuned &gt; base), and
 * {@code paired.csv} the per-prompt pairs.
 */
@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = "Finding 1: greedy responses, gradient x input attribution and instruction scores over a prompt "
                + "set, for one model or a base/tuned pair (resumable; summary with Welch's test).")
public final class AttributeCommand implements Callable<Integer> {
    static final String MANIFEST = "run.json";
    static final String RESULTS = "results";
    static final String FINGERPRINTS = "fingerprints";

    @Mixin
    ModelOptions model;

    @Option(names = "--base", paramLabel = "DIR",
            description = "base checkpoint: attribute the pair, --model being the instruction-tuned one")
    Path base;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "role recorded for a single --model: base or tuned (default tuned; not with --base)")
    String role;

    @Mixin
    FormatOptions format;

    static final class Source {
        @Option(names = "--paper", paramLabel = "DIR", required = true,
                description = "the authors' data: a folder holding datasets/FinalDataset.tsv (or FinalDataset.tsv "
                        + "itself): Self-Instruct, LIMA and MT-Bench prompts with their instruction annotations")
        Path paper;

        @Option(names = "--prompts", paramLabel = "FILE", required = true,
                description = "JSON Lines ({\"id\", \"prompt\", \"instruction_spans\": [[start, end], ...] or "
                        + "\"instruction_fragments\": [...]}) or plain text, one prompt per line (the first "
                        + "sentence is the instruction)")
        Path prompts;

        @Option(names = "--prompt", paramLabel = "TEXT", required = true,
                description = "one prompt (ID 'prompt'; the first sentence is the instruction)")
        String prompt;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--set", paramLabel = "SET", split = ",",
            description = "with --paper: only these sets (self-instruct, lima, mt-bench; default all)")
    List<String> sets;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "only the first N prompts (after --set), 0 = all (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--max-new-tokens", defaultValue = "" + PromptAttributor.PAPER_MAX_NEW_TOKENS, paramLabel = "N",
            description = "greedy response length limit (default ${DEFAULT-VALUE}, as in the paper)")
    int maxNewTokens;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "output folder: results/, run.json, scores.csv, summary.csv, summary.json")
    Path out;

    @Option(names = {"--tokens-per-pass", "--copies"}, defaultValue = "0", paramLabel = "N",
            description = "response tokens attributed per forward pass, 0 = the cheapest count a 2 GiB working budget "
                    + "allows (default ${DEFAULT-VALUE}); speed and memory only, the scores do not change (see bench attribution)")
    int copies;

    @Option(names = "--shard", paramLabel = "i/N",
            description = "only slice i of N (0-based) of the selected prompts: prompt k goes to shard k mod N; "
                    + "each shard writes its own --out, recorded in its run.json; merge them with --merge-shards")
    String shardText;

    @Option(names = "--merge-shards", paramLabel = "DIR", split = ",", arity = "1..*",
            description = "the --out folders of all N shards of this run (same settings otherwise): their results are "
                    + "checked (no overlap, none missing, same settings, weights and prompt selection) and copied into "
                    + "--out, whose tables then equal a single run's; no model is loaded when every result is there")
    List<Path> mergeShards;

    @Option(names = "--no-raw", description = "leave the raw attribution matrix out of the stored results (smaller files)")
    boolean noRaw;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    @Option(names = "--paired", description = "with --base: also attribute each model's response under the other "
            + "model (teacher forcing) into OUT/paired/{base-on-tuned-response,tuned-on-base-response}, and add a "
            + "paired t-test per response source (H1: tuned > base) to the summary and paired.csv; both models must "
            + "share a vocabulary")
    boolean paired;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    /** Test hook: called after each result is stored (a test throws from it to stop a run as a kill would). */
    Consumer<AttributionResults.Row> afterStore = r -> { };

    static final String PAIRED = "paired";
    static final String PAIRED_CSV = "paired.csv";
    static final String SUMMARY = "summary.json";

    private Shard shard;
    private List<String> selection;

    private record Member(ModelRole role, Path dir, Checkpoint checkpoint, String name) {}

    /** One pass over the prompts under one model: its own responses, or ({@code responseOf} set) the other's. */
    private record Phase(Member member, ModelRole responseOf) {
        String label() {
            return responseOf == null ? member.role().label() + " " + member.name()
                    : member.role().label() + " on " + responseOf.label() + " responses " + member.name();
        }
    }

    @Override
    public Integer call() throws IOException {
        List<Member> members;
        List<AttributionPrompt> prompts;
        PromptFormat promptFormat;
        try {
            shard = shardText == null ? null : Shard.parse(shardText);
            if (shard != null && mergeShards != null) {
                throw new IllegalArgumentException("--shard and --merge-shards exclude each other: run the shards, "
                        + "then merge them into a new --out");
            }
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("--max-new-tokens must be >= 1, got " + maxNewTokens);
            }
            if (limit < 0) {
                throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
            }
            if (copies < 0) {
                throw new IllegalArgumentException("--tokens-per-pass must be >= 0 (0 = by cost and memory), got " + copies);
            }
            promptFormat = format.format();
            model.loadOptions();           // a bad --device/--dtype fails before any work
            prompts = prompts();
            selection = prompts.stream().map(AttributionPrompt::id).toList();
            if (shard != null) {
                prompts = shard.slice(prompts);
                if (prompts.isEmpty()) {
                    throw new IllegalArgumentException("shard " + shard + " of " + selection.size()
                            + " prompts is empty: use fewer shards");
                }
            }
            members = members();
            if (paired) {
                checkPairable(members);
            }
            if (promptFormat == PromptFormat.CHAT) {
                for (Member m : members) {          // else every prompt would be skipped and the run "succeed"
                    PromptFormat.CHAT.render("", m.checkpoint());
                }
            }
        } catch (IllegalArgumentException | AttributionException | DataFormatException | CheckpointException e) {
            return fail(Main.message(e));
        }
        OutputLock lock;
        try {
            lock = OutputLock.acquire(out);
        } catch (AttributionException e) {
            return fail(e.getMessage());
        }
        try (lock) {
            try {
                checkManifest(members);
            } catch (IllegalArgumentException | AttributionException e) {
                return fail(Main.message(e));
            }
            try {
                mergeShards(members);
            } catch (AttributionException e) {
                return fail(Main.message(e));
            }
            lock.previousHolder().ifPresent(h -> stderr.println("note: " + out + " was last held by " + h
                    + ", which ended without releasing it (killed?); taken over"));
            for (Path leftover : lock.removeTempFiles()) {
                stderr.println("note: removed " + leftover + ", left by a write that did not finish");
            }
            return attribute(members, prompts, promptFormat);
        } catch (IOException e) {
            return fail("cannot write the results in " + out + ": " + Main.message(e));
        }
    }

    /** --merge-shards: the shards' results into --out ({@link ShardMerge}), before the run finds them done. */
    private void mergeShards(List<Member> members) throws IOException {
        if (mergeShards == null) {
            return;
        }
        ShardMerge.Merged merged = ShardMerge.merge(mergeShards, out, new ShardMerge.Expected(
                new ObjectMapper().valueToTree(manifest(members)), fingerprints(members), selection,
                members.stream().map(m -> RESULTS + "/" + m.role().label()).toList(),
                List.of(PAIRED + "/" + AttributionRun.forcedLabel(ModelRole.BASE, ModelRole.TUNED),
                        PAIRED + "/" + AttributionRun.forcedLabel(ModelRole.TUNED, ModelRole.BASE))),
                MANIFEST, SUMMARY);
        stderr.println("merged " + merged.shards() + " shards into " + out + " (results per folder: "
                + merged.copied() + ")");
    }

    /** The phases, then the outputs; the caller holds the lock on {@code --out}. */
    private int attribute(List<Member> members, List<AttributionPrompt> prompts, PromptFormat promptFormat)
            throws IOException {
        List<Phase> phases = new ArrayList<>();
        for (Member m : members) {
            phases.add(new Phase(m, null));
        }
        if (paired) {                       // base, tuned, tuned again (no reload), base again: one model at a time
            phases.add(new Phase(members.get(1), ModelRole.BASE));
            phases.add(new Phase(members.get(0), ModelRole.TUNED));
        }
        List<AttributionResults.Row> rows = new ArrayList<>();
        Map<ModelRole, List<AttributionResults.Row>> forcedRows = new EnumMap<>(ModelRole.class);
        List<AttributionRun.Skipped> skipped = new ArrayList<>();
        List<AttributionRun.Skipped> pairedSkipped = new ArrayList<>();
        int computed = 0;
        int resumed = 0;
        int pairedComputed = 0;
        int pairedResumed = 0;
        String formatName = promptFormat.name().toLowerCase(Locale.ROOT);
        CausalLM lm = null;
        Member loaded = null;
        try {
            for (int i = 0; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                Member m = phase.member();
                AttributionRun run;
                try {
                    run = newRun(phase, prompts, promptFormat, formatName, rows);
                } catch (AttributionException e) {
                    return fail(e.getMessage());
                }
                ResultStore store = store(phase);
                run.unreadable().forEach((id, why) -> stderr.println("warning: " + store.path(id)
                        + " could not be read as a stored result, computing it again: " + why));
                for (String id : run.rescored()) {
                    stderr.println("note: " + store.path(id) + " rescored: the prompt's instruction annotation changed");
                }
                for (String id : run.stale()) {
                    stderr.println("note: " + store.path(id) + " was not on the " + phase.responseOf().label()
                            + " model's stored response; computing it again");
                }
                AttributionRun.Outcome o;
                if (run.remaining() == 0) {
                    o = run.execute(null, listener(null));          // all stored already: no model to load
                } else {
                    if (loaded != m) {
                        if (lm != null) {
                            lm.close();
                            lm = null;
                        }
                        lm = m.checkpoint().load(model.loadOptions());
                        loaded = m;
                    }
                    PromptAttributor attributor = new PromptAttributor(lm, m.name(), m.role(), promptFormat,
                            maxNewTokens, !noRaw, copies);
                    o = runWithProgress(run, attributor, phase.label());
                }
                boolean nextUsesIt = i + 1 < phases.size() && phases.get(i + 1).member() == loaded;
                if (lm != null && !nextUsesIt) {
                    lm.close();                     // before the next model loads (or at the end)
                    lm = null;
                    loaded = null;
                }
                if (phase.responseOf() == null) {
                    rows.addAll(o.rows());
                    skipped.addAll(o.skipped());
                    computed += o.computed();
                    resumed += o.resumed();
                } else {
                    forcedRows.put(m.role(), o.rows());
                    pairedSkipped.addAll(o.skipped());
                    pairedComputed += o.computed();
                    pairedResumed += o.resumed();
                }
            }
        } finally {
            if (lm != null) {
                lm.close();
            }
        }

        List<AttributionSummary.Comparison> summary = AttributionSummary.compare(rows);
        List<InstructionTables.Row> table = AttributionSummary.tableRows(summary);
        List<AttributionSummary.PairedScore> pairs = null;
        List<AttributionSummary.Paired> pairedSummary = null;
        if (paired) {
            pairs = AttributionSummary.pairs(rows, forcedRows.getOrDefault(ModelRole.BASE, List.of()),
                    forcedRows.getOrDefault(ModelRole.TUNED, List.of()));
            pairedSummary = AttributionSummary.paired(pairs);
            writePairs(pairs);
        }
        writeOutputs(rows, summary, table, members, prompts.size(), computed, resumed, skipped, pairedSummary,
                pairs == null ? 0 : pairs.size(), pairedComputed, pairedResumed, pairedSkipped);
        stdout.printf(Locale.ROOT, "attribute: %d prompts x %d model(s): %d computed, %d from an earlier run, "
                + "%d skipped -> %s%n", prompts.size(), members.size(), computed, resumed, skipped.size(), out);
        for (AttributionRun.Skipped s : skipped) {
            stdout.printf(Locale.ROOT, "  skipped %s (%s): %s%n", s.id(), s.role(), s.reason());
        }
        if (paired) {
            stdout.printf(Locale.ROOT, "paired: each model's responses under the other: %d computed, %d from an "
                    + "earlier run, %d skipped -> %s%n", pairedComputed, pairedResumed, pairedSkipped.size(),
                    out.resolve(PAIRED));
            for (AttributionRun.Skipped s : pairedSkipped) {
                stdout.printf(Locale.ROOT, "  skipped %s (%s): %s%n", s.id(), s.role(), s.reason());
            }
        }
        stdout.println("instruction score (Welch's t-test, H1: base < tuned)");
        stdout.printf(Locale.ROOT, "  %-14s %-6s %5s %8s %8s %10s%n", "set", "group", "n", "mean", "std", "p");
        for (InstructionTables.Row r : table) {
            stdout.printf(Locale.ROOT, "  %-14s %-6s %5d %8.4f %8.4f %10.3e%n", r.set(), r.group(), r.n(), r.mean(),
                    r.std(), r.p());
        }
        if (paired) {
            stdout.println("paired: the same responses under base and tuned (paired t-test on tuned - base, "
                    + "H1: tuned > base; one-sided p = two-sided p / 2 when t > 0)");
            stdout.printf(Locale.ROOT, "  %-14s %-9s %5s %10s %10s %10s %8s %10s%n", "set", "responses", "n",
                    "base", "tuned", "diff", "t", "p");
            for (AttributionSummary.Paired r : pairedSummary) {
                stdout.printf(Locale.ROOT, "  %-14s %-9s %5d %10.4f %10.4f %10.4f %8.3f %10.3e%n", r.set(),
                        r.responses(), r.n(), r.baseMean(), r.tunedMean(), r.meanDifference(), r.t(), r.p());
            }
        }
        stdout.println("wrote " + out.resolve("scores.csv") + ", " + out.resolve("summary.csv") + (paired ? ", "
                + out.resolve("summary.json") + " and " + out.resolve(PAIRED_CSV) : " and " + out.resolve("summary.json")));
        stdout.flush();
        return 0;
    }

    private int fail(String message) {
        stderr.println("error: " + message);
        stderr.flush();
        return 2;
    }

    private ResultStore store(Phase phase) {
        ModelRole role = phase.member().role();
        return new ResultStore(phase.responseOf() == null ? out.resolve(RESULTS).resolve(role.label())
                : out.resolve(PAIRED).resolve(AttributionRun.forcedLabel(role, phase.responseOf())));
    }

    /**
     * The phase's run over its store; a forced phase reads the other model's responses from that model's
     * stored results of this run (those in {@code ownRows}, which the own phases settled first).
     */
    private AttributionRun newRun(Phase phase, List<AttributionPrompt> prompts, PromptFormat promptFormat,
                                  String formatName, List<AttributionResults.Row> ownRows) {
        Member m = phase.member();
        java.util.function.Function<AttributionPrompt, PromptAttributor.Prepared> preparer =
                p -> PromptAttributor.prepare(m.checkpoint(), promptFormat, p);
        if (phase.responseOf() == null) {
            return new AttributionRun(store(phase), prompts, m.name(), m.role(), formatName, preparer);
        }
        ResultStore theirs = new ResultStore(out.resolve(RESULTS).resolve(phase.responseOf().label()));
        Map<String, List<String>> responses = new HashMap<>();
        for (AttributionResults.Row r : ownRows) {
            if (r.role().equals(phase.responseOf().label())) {
                responses.put(r.id(), theirs.get(r.id()).responseTokens());
            }
        }
        return AttributionRun.forced(store(phase), prompts, m.name(), m.role(), formatName, preparer,
                phase.responseOf(), responses);
    }

    /** --paired: --base is given and both checkpoints have one vocabulary (the forced ids mean the same tokens). */
    private void checkPairable(List<Member> members) {
        if (base == null) {
            throw new IllegalArgumentException("--paired needs --base: it attributes each model's response under "
                    + "the other one of a base/tuned pair");
        }
        Member b = members.get(0);
        Member t = members.get(1);
        String difference = PieceIds.difference(b.checkpoint().tokenizer(), t.checkpoint().tokenizer());
        if (difference != null) {
            throw new IllegalArgumentException("--paired needs one tokenizer vocabulary for both models, but the base "
                    + b.dir() + " and the tuned " + t.dir() + " differ (" + difference + ")");
        }
    }

    private AttributionRun.Outcome runWithProgress(AttributionRun run, PromptAttributor attributor, String label) {
        ProgressBar bar = noProgress ? null : new ProgressBarBuilder()
                .setTaskName(label)
                .setInitialMax(run.total())
                .startsFrom(run.alreadyDone(), Duration.ZERO)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(stderr))
                .build();
        try {
            return run.execute(attributor, listener(bar));
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    private AttributionRun.Listener listener(ProgressBar bar) {
        return new AttributionRun.Listener() {
            @Override
            public void stored(AttributionResults.Row row, boolean wasResumed, String stoppedOn) {
                if (!wasResumed) {
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(row.id());
                    }
                    afterStore.accept(row);
                }
            }

            @Override
            public void skipped(AttributionRun.Skipped s) {
                if (bar != null) {
                    bar.step();
                }
                stderr.println("warning: skipped " + s.id() + " (" + s.role() + "): " + s.reason());
            }
        };
    }

    private List<AttributionPrompt> prompts() {
        List<AttributionPrompt> all = new ArrayList<>();
        if (sets != null && source.paper == null) {
            throw new IllegalArgumentException("--set selects among the paper's prompt sets; it needs --paper");
        }
        if (source.paper != null) {
            Path file = paperPrompts(source.paper);
            Set<PromptSet> wanted = EnumSet.allOf(PromptSet.class);
            if (sets != null) {
                wanted.clear();
                for (String s : sets) {
                    wanted.add(PromptSet.fromLabel(s.trim()));
                }
            }
            for (PromptRecord r : PaperDatasets.readPrompts(file)) {
                if (wanted.contains(r.set())) {
                    all.add(AttributionPrompt.fromPaper(r));
                }
            }
        } else if (source.prompts != null) {
            all.addAll(PromptFiles.read(source.prompts));
        } else {
            all.add(AttributionPrompt.firstSentence("prompt", source.prompt));
        }
        if (limit > 0 && all.size() > limit) {
            all = new ArrayList<>(all.subList(0, limit));
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no prompts selected");
        }
        return all;
    }

    static Path paperPrompts(Path dir) {
        if (Files.isRegularFile(dir)) {
            return dir;
        }
        for (Path candidate : List.of(dir.resolve("datasets").resolve("FinalDataset.tsv"), dir.resolve("FinalDataset.tsv"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("--paper " + dir + ": no datasets/FinalDataset.tsv or FinalDataset.tsv there");
    }

    private List<Member> members() {
        List<Member> out = new ArrayList<>();
        if (base != null) {
            if (role != null) {
                throw new IllegalArgumentException("--role is for a single --model; with --base the roles are fixed");
            }
            out.add(member(ModelRole.BASE, base));
            out.add(member(ModelRole.TUNED, model.model));
        } else {
            ModelRole r = ModelRole.TUNED;
            if (role != null) {
                r = switch (role.trim().toLowerCase(Locale.ROOT)) {
                    case "base" -> ModelRole.BASE;
                    case "tuned" -> ModelRole.TUNED;
                    default -> throw new IllegalArgumentException("--role must be base or tuned, got '" + role + "'");
                };
            }
            out.add(member(r, model.model));
        }
        return out;
    }

    private static Member member(ModelRole role, Path dir) {
        Checkpoint c = Checkpoint.open(dir);                      // headers only; a bad checkpoint fails here
        Path abs = dir.toAbsolutePath().normalize();
        return new Member(role, abs, c, String.valueOf(abs.getFileName()));
    }

    /**
     * The settings every result in OUT depends on; a resumed run must repeat them. {@code --paired} is not one:
     * it adds results (in OUT/paired) without changing any, so an unpaired run can be resumed as a paired one.
     */
    private Map<String, Object> manifest(List<Member> members) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> models = new LinkedHashMap<>();
        for (Member member : members) {
            models.put(member.role().label(), Map.of("dir", member.dir().toString(), "name", member.name()));
        }
        m.put("models", models);
        m.put("format", format.format().name().toLowerCase(Locale.ROOT));
        m.put("max_new_tokens", maxNewTokens);
        m.put("dtype", model.loadOptions().dtype().toString());
        m.put("keep_raw", !noRaw);
        if (shard != null) {
            m.put(ShardMerge.FIELD, ShardMerge.describe(shard, selection));
        }
        return m;
    }

    /**
     * A new {@code --out} gets {@code run.json}: the settings ({@link #manifest}) and, under {@value #FINGERPRINTS},
     * each checkpoint's {@link CheckpointFingerprint}. A resume must repeat the settings and find the same weights,
     * tokenizer and config files, else it is refused naming what differs. A {@code run.json} of an older version has
     * no fingerprints: its results are accepted with a warning (nothing can tell which weights they came from) and
     * the current fingerprints are added, so that from then on a change is caught.
     */
    private void checkManifest(List<Member> members) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode wanted = json.valueToTree(manifest(members));
        ObjectNode fingerprints = fingerprints(members);
        Path file = out.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            wanted.set(FINGERPRINTS, fingerprints);
            AtomicFiles.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(wanted));
            return;
        }
        JsonNode existing;
        try {
            existing = json.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not readable JSON (" + e.getMessage()
                    + "); remove it or write to another --out");
        }
        if (existing == null || !existing.isObject()) {
            throw new IllegalArgumentException(file + " is not a JSON object; remove it or write to another --out");
        }
        List<String> differences = new ArrayList<>();
        for (var it = wanted.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().equals(existing.get(e.getKey()))) {
                differences.add(e.getKey() + " " + existing.get(e.getKey()) + " there, " + e.getValue() + " here");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--out " + out + " holds a run with other settings ("
                    + String.join("; ", differences) + "); use the same settings to resume it, or another --out");
        }
        JsonNode recorded = existing.get(FINGERPRINTS);
        if (recorded == null) {
            stderr.println("warning: " + file + " records no fingerprint of the weights (written by an older "
                    + "version); its results are taken to come from the checkpoints given now, which it pins from now on");
            ((ObjectNode) existing).set(FINGERPRINTS, fingerprints);
            AtomicFiles.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(existing));
            return;
        }
        for (Member m : members) {
            String where = file + " field '" + FINGERPRINTS + "." + m.role().label() + "'";
            JsonNode then = recorded.get(m.role().label());
            if (then == null) {
                throw new IllegalArgumentException(where + " is missing; remove " + file + " or write to another --out");
            }
            List<String> changes = CheckpointFingerprint.fromJson(then, where)
                    .changes(CheckpointFingerprint.fromJson(fingerprints.get(m.role().label()), "now"), m.dir());
            if (!changes.isEmpty()) {
                throw new IllegalArgumentException("--out " + out + " holds results of other " + m.role().label()
                        + " weights than " + m.dir() + " has now (" + String.join("; ", changes) + "); resume with the "
                        + "checkpoint the run began with, or write to another --out");
            }
        }
    }

    private static ObjectNode fingerprints(List<Member> members) {
        ObjectNode fingerprints = new ObjectMapper().createObjectNode();
        for (Member m : members) {
            fingerprints.set(m.role().label(), CheckpointFingerprint.of(m.dir()).toJson());
        }
        return fingerprints;
    }

    /** {@code paired.csv}: one row per prompt and response source, its score under each model. */
    private void writePairs(List<AttributionSummary.PairedScore> pairs) throws IOException {
        StringWriter csv = new StringWriter();
        AttributionSummary.pairedTable(pairs).write().csv(csv);
        AtomicFiles.writeString(out.resolve(PAIRED_CSV), csv.toString());
    }

    private void writeOutputs(List<AttributionResults.Row> rows, List<AttributionSummary.Comparison> summary,
                              List<InstructionTables.Row> table, List<Member> members, int promptCount, int computed,
                              int resumed, List<AttributionRun.Skipped> skipped,
                              List<AttributionSummary.Paired> pairedSummary, int pairCount, int pairedComputed,
                              int pairedResumed, List<AttributionRun.Skipped> pairedSkipped) throws IOException {
        StringWriter scores = new StringWriter();
        AttributionResults.rowTable(rows).write().csv(scores);
        AtomicFiles.writeString(out.resolve("scores.csv"), scores.toString());
        InstructionTables.writeCsv(table, out.resolve("summary.csv"));

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("settings", manifest(members));
        s.put("prompts", promptCount);
        s.put("computed", computed);
        s.put("resumed", resumed);
        List<Map<String, Object>> skip = new ArrayList<>();
        for (AttributionRun.Skipped k : skipped) {
            skip.add(Map.of("id", k.id(), "role", k.role(), "model", k.model(), "reason", k.reason()));
        }
        s.put("skipped", skip);
        s.put("test", "Welch's t-test, H1: mean(base) < mean(tuned); std is the population std");
        List<Map<String, Object>> sets = new ArrayList<>();
        for (AttributionSummary.Comparison c : summary) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("set", c.set());
            e.put("base", group(c.base()));
            e.put("tuned", group(c.tuned()));
            e.put("t", finite(c.t()));
            e.put("df", finite(c.df()));
            e.put("p", finite(c.p()));
            sets.add(e);
        }
        s.put("sets", sets);
        if (pairedSummary != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("test", "paired t-test of score(tuned) - score(base) on the same response, per prompt; H1: "
                    + "mean(tuned - base) > 0; p is one-sided: two-sided p / 2 when t > 0, 1 - two-sided p / 2 "
                    + "otherwise; df = n - 1; t and p null with fewer than 2 pairs or identical differences");
            p.put("responses", "tuned: the tuned model's own responses, under tuned (results/tuned) and forced "
                    + "through base (paired/base-on-tuned-response); base: the base model's, under base "
                    + "(results/base) and forced through tuned (paired/tuned-on-base-response)");
            p.put("pairs", pairCount);
            p.put("computed", pairedComputed);
            p.put("resumed", pairedResumed);
            List<Map<String, Object>> pskip = new ArrayList<>();
            for (AttributionRun.Skipped k : pairedSkipped) {
                pskip.add(Map.of("id", k.id(), "role", k.role(), "model", k.model(), "reason", k.reason()));
            }
            p.put("skipped", pskip);
            List<Map<String, Object>> psets = new ArrayList<>();
            for (AttributionSummary.Paired c : pairedSummary) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("set", c.set());
                e.put("responses", c.responses());
                e.put("n", c.n());
                e.put("base_mean", finite(c.baseMean()));
                e.put("tuned_mean", finite(c.tunedMean()));
                e.put("mean_difference", finite(c.meanDifference()));
                e.put("t", finite(c.t()));
                e.put("df", finite(c.df()));
                e.put("p", finite(c.p()));
                e.put("p_two_sided", finite(c.pTwoSided()));
                psets.add(e);
            }
            p.put("sets", psets);
            s.put("paired", p);
        }
        AtomicFiles.writeString(out.resolve(SUMMARY),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
    }

    private static Map<String, Object> group(io.github.instructshift.stats.GroupSummary g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", g.n());
        m.put("mean", finite(g.mean()));
        m.put("std", finite(g.std()));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
