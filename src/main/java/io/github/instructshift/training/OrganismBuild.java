package io.github.instructshift.training;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.organism.Corpus;
import io.github.instructshift.organism.InstructionDataset;
import io.github.instructshift.organism.InstructionExample;
import io.github.instructshift.npm.NpmFetcher;
import io.github.instructshift.organism.OrganismData;
import io.github.instructshift.organism.OrganismException;
import io.github.instructshift.organism.OrganismTokenizer;
import io.github.instructshift.organism.Split;
import io.github.instructshift.organism.SupervisedSequence;
import io.github.instructshift.organism.TrainingSequences;
import io.github.instructshift.stats.GroupSummary;
import io.github.instructshift.stats.PairedTTest;
import io.github.instructshift.stats.PowerAnalysis;
import io.github.instructshift.stats.WelchTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code organism build}: data, tokenizer, pretraining of the base model, instruction tuning of its
 * copy, evaluation, model cards. Each stage keeps its output under {@code workDir} and is skipped or
 * resumed when run again, so a killed build continues where it stopped.
 */
public final class OrganismBuild {
    private static final Logger LOG = LoggerFactory.getLogger(OrganismBuild.class);
    public static final String BASE = "organism-base";
    public static final String TUNED = "organism-tuned";
    /** The in-context copying probe: the first 24 tokens of 64 held-out windows, each given twice. */
    static final int COPYING_SPANS = 64;
    static final int COPYING_SPAN_TOKENS = 24;
    private static final List<String> CHECKPOINT_FILES = java.util.stream.Stream.concat(
            Trainer.CONFIG_FILES.stream(), java.util.stream.Stream.of("model.safetensors")).toList();

    /**
     * @param context         pretraining window in tokens
     * @param textPerBatch    pretraining windows of {@code tuneContext} tokens in each tuning batch
     * @param evaluateLimit   held-out examples scored (0: all)
     * @param maxSourceChars  characters each long corpus source gives at most
     * @param minVerbCount    fewest pretraining occurrences of each pre-registered verb (0 only in smoke runs)
     * @param vocabCandidates pieces the tokenizer's BPE proposal grows to, before pruning
     * @param smoke           a smoke run: {@link ModelShape#smoke} instead of {@link ModelShape#organism}
     */
    public record Config(long seed, int pretrainSteps, int pretrainBatch, int context, double pretrainLr,
                         int finetuneSteps, int finetuneBatch, double finetuneLr, int textPerBatch, int tuneContext,
                         int checkpointEvery, int evaluateLimit, boolean npmOffline, Device device,
                         int maxSourceChars, int minVerbCount, int vocabCandidates, boolean smoke) {

        public Config {
            // a fine-tune, not a second training: the limits the model card is held to
            if (finetuneLr > pretrainLr / 5 + 1e-12) {
                throw new OrganismException("tuning learning rate " + finetuneLr + " is more than a fifth of pretraining's "
                        + pretrainLr + ": that retrains the model instead of fine-tuning it");
            }
            if (textPerBatch < 0 || textPerBatch >= finetuneBatch) {
                throw new OrganismException("textPerBatch must be in 0.." + (finetuneBatch - 1) + ", got " + textPerBatch);
            }
        }

        /** The shipped recipe. */
        public static Config defaults() {
            // 2100 pretraining steps: what 2 cores train in about half an hour (4.3 M tokens, 2.2 epochs); tuning
            // 1400 steps of 12 examples (about 45 tokens each) and 4 text windows of 48 tokens: 0.24 of the
            // pretraining tokens, 26 % of them text
            return new Config(1234, 2100, 16, 128, 2e-3, 1400, 16, 4e-4, 4, 48, 100, 0, false, Device.cpu(),
                    io.github.instructshift.organism.CorpusBuilder.DEFAULT_MAX_SOURCE_CHARS, OrganismData.MIN_VERB_COUNT,
                    OrganismData.DEFAULT_VOCAB_SIZE, false);
        }

        /** A few steps of everything, for tests and smoke runs. */
        public static Config quick() {
            // a smaller corpus in which some verbs are absent: a smoke run only checks that every stage runs
            return new Config(1234, 40, 4, 32, 2e-3, 5, 4, 4e-4, 1, 48, 10, 4, false, Device.cpu(), 100_000, 0, 1000, true);
        }

        public Config withSteps(int pretrain, int finetune) {
            return new Config(seed, pretrain, pretrainBatch, context, pretrainLr, finetune, finetuneBatch, finetuneLr,
                    textPerBatch, tuneContext, checkpointEvery, evaluateLimit, npmOffline, device, maxSourceChars, minVerbCount,
                    vocabCandidates, smoke);
        }

        /** The same recipe under another seed, fetching from npm's cache only or not, on another device. */
        public Config withRun(long seed, boolean npmOffline, Device device) {
            return new Config(seed, pretrainSteps, pretrainBatch, context, pretrainLr, finetuneSteps,
                    finetuneBatch, finetuneLr, textPerBatch, tuneContext, checkpointEvery, evaluateLimit, npmOffline, device,
                    maxSourceChars, minVerbCount, vocabCandidates, smoke);
        }

        /** Instruction examples the tuning consumes: one pass, each seen once. */
        public int tuningExamples() {
            return finetuneSteps * (finetuneBatch - textPerBatch);
        }
    }

    public record Result(Path base, Path tuned, Map<String, Object> scores) {}

    private OrganismBuild() {}

    public static Result run(Path modelsDir, Path workDir, Path npmCache, Config config) {
        Path dataDir = workDir.resolve("data");
        if (!Files.isRegularFile(dataDir.resolve("data-summary.json"))) {
            LOG.info("organism: building corpus, tokenizer and instruction data in {}", dataDir);
            OrganismData.build(dataDir, new OrganismData.Config(npmCache, config.npmOffline(), config.vocabCandidates(),
                    config.maxSourceChars(), config.minVerbCount(),
                    io.github.instructshift.organism.DatasetConfig.defaults(config.seed(), config.tuningExamples())),
                    new NpmFetcher());
        }
        Corpus corpus = Corpus.read(dataDir.resolve("corpus"));
        try (OrganismTokenizer tokenizer = OrganismTokenizer.load(dataDir.resolve("tokenizer").resolve("tokenizer.json"))) {
            return train(modelsDir, workDir, dataDir, corpus, tokenizer, config);
        }
    }

    private static Result train(Path modelsDir, Path workDir, Path dataDir, Corpus corpus, OrganismTokenizer tokenizer,
                                Config config) {
        InstructionDataset dataset = InstructionDataset.read(dataDir.resolve("instructions.jsonl"), OrganismData.lexicon(dataDir));
        ModelShape shape = config.smoke() ? ModelShape.smoke(tokenizer.vocabSize()) : ModelShape.organism(tokenizer.vocabSize());

        Path init = workDir.resolve("init");
        if (!Files.isRegularFile(init.resolve("model.safetensors"))) {
            shape.writeInitial(init, tokenizer, config.seed());
        }

        int[] trainStream = TrainingSequences.pretrainingStream(tokenizer, corpus.train());
        List<int[]> trainWindows = TrainingSequences.windows(trainStream, config.context());
        List<int[]> validationWindows = TrainingSequences.windows(
                TrainingSequences.pretrainingStream(tokenizer, corpus.validation()), config.context());
        LOG.info("organism: {} parameters, {} pretraining windows of {} tokens ({} epochs)", shape.parameters(),
                trainWindows.size(), config.context(),
                String.format("%.1f", (double) config.pretrainSteps() * config.pretrainBatch() / trainWindows.size()));
        Trainer.Result pre = Trainer.train(init, workDir.resolve("pretrain"),
                BatchSource.windows(trainWindows, config.pretrainBatch(), config.seed()),
                trainerConfig("pretrain", config.pretrainSteps(), config.pretrainLr(), config), config.device());
        Path base = publish(pre.checkpoint(), modelsDir.resolve(BASE));

        List<SupervisedSequence> sequences = dataset.train().stream()
                .map(e -> TrainingSequences.supervised(tokenizer, e)).toList();
        BatchSource<SupervisedSequence> tuning = BatchSource.mixed(sequences,
                TrainingSequences.windows(trainStream, config.tuneContext()), config.finetuneBatch(),
                config.textPerBatch(), config.seed() + 1, OrganismTokenizer.EOS);
        Recipe recipe = Recipe.measure(config, tuning);
        recipe.check();
        Trainer.Result tune = Trainer.train(base, workDir.resolve("finetune"), tuning,
                trainerConfig("instruction tuning", config.finetuneSteps(), config.finetuneLr(), config), config.device());
        Path tuned = publish(tune.checkpoint(), modelsDir.resolve(TUNED));

        Map<String, Object> scores = evaluate(base, tuned, dataset, trainStream, validationWindows, tokenizer, config);
        scores.put("recipe", recipe.asMap());
        scores.put("weight_change", WeightDrift.measure(base, tuned).asMap());
        scores.put("tokenizer", tokenizerCoverage(trainStream, tokenizer));
        scores.put("relatedness_vectors", writeVectors(corpus, base.resolve(io.github.instructshift.report.HeadsRun.ORGANISM_VECTORS)));
        LOG.info("organism: Findings 2 and 3 on the pair (profile organism)");
        scores.put("findings", OrganismFindings.measure(base, tuned, 2));
        writeJson(base.resolve("scores.json"), scores);
        writeJson(tuned.resolve("scores.json"), scores);
        ModelCards.write(base, tuned, scores, pre, tune, config, shape, readSummary(dataDir));
        return new Result(base, tuned, scores);
    }

    /**
     * The token budget of both phases, counted from the batches themselves (pad excluded), and the share
     * of tuning tokens that are pretraining text.
     */
    record Recipe(long pretrainTokens, long tuningTokens, long tuningTextTokens, double pretrainLr, double finetuneLr) {
        static Recipe measure(Config c, BatchSource<SupervisedSequence> tuning) {
            long tokens = 0;
            long text = 0;
            for (int step = 0; step < c.finetuneSteps(); step++) {
                var b = tuning.batch(step);
                for (int i = 0; i < b.size(); i++) {
                    tokens += b.lengths()[i];
                    if (i >= c.finetuneBatch() - c.textPerBatch()) {
                        text += b.lengths()[i];
                    }
                }
            }
            return new Recipe((long) c.pretrainSteps() * c.pretrainBatch() * c.context(), tokens, text,
                    c.pretrainLr(), c.finetuneLr());
        }

        double tuningShare() {
            return (double) tuningTokens / pretrainTokens;
        }

        double textShare() {
            return (double) tuningTextTokens / tuningTokens;
        }

        void check() {
            if (pretrainTokens > 0 && (textShare() < 0.2 || textShare() > 0.3)) {
                throw new OrganismException(String.format(java.util.Locale.ROOT, "pretraining text would be %.3f of the"
                        + " tuning tokens; the recipe mixes in 20-30 %%: change textPerBatch", textShare()));
            }
            if (tuningShare() > 0.25) {
                throw new OrganismException(String.format(java.util.Locale.ROOT, "tuning would see %d tokens, %.2f of"
                        + " pretraining's %d: at most a quarter keeps it a fine-tune", tuningTokens, tuningShare(), pretrainTokens));
            }
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pretrain_tokens", pretrainTokens);
            m.put("tuning_tokens", tuningTokens);
            m.put("tuning_to_pretrain_tokens", tuningShare());
            m.put("tuning_text_tokens", tuningTextTokens);
            m.put("tuning_text_share", textShare());
            m.put("pretrain_peak_lr", pretrainLr);
            m.put("tuning_peak_lr", finetuneLr);
            m.put("lr_ratio", finetuneLr / pretrainLr);
            return m;
        }
    }

    /**
     * Finding 2's relatedness vectors: PPMI/SVD vectors of the pretraining corpus (the stand-in for
     * GloVe's co-occurrence statistics), independent of both models; written once, beside the base model.
     */
    private static Map<String, Object> writeVectors(Corpus corpus, Path file) {
        io.github.instructshift.vectors.PpmiVectors.Config vc = io.github.instructshift.vectors.PpmiVectors.Config.defaults();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.getFileName().toString());
        m.put("config", vc.toString());
        if (!Files.isRegularFile(file)) {
            var r = io.github.instructshift.vectors.PpmiVectors.compute(corpus.train(), vc);
            r.writeGlove(file);
            LOG.info("organism: {} word vectors of {} dimensions in {}", r.words().size(), r.dim(), file);
        }
        return m;
    }

    /** How many ids occur in the pretraining stream, and how rarely the rarest does. */
    private static Map<String, Object> tokenizerCoverage(int[] stream, OrganismTokenizer tokenizer) {
        long[] counts = new long[tokenizer.vocabSize()];
        for (int id : stream) {
            counts[id]++;
        }
        int unseen = 0;
        long min = Long.MAX_VALUE;
        for (int id = OrganismTokenizer.EOS + 1; id < counts.length; id++) {
            unseen += counts[id] == 0 ? 1 : 0;
            min = Math.min(min, counts[id]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vocab_size", tokenizer.vocabSize());
        m.put("pieces_unseen_in_pretraining", unseen);
        m.put("fewest_occurrences", min);
        m.put("pretrain_stream_tokens", stream.length);
        return m;
    }

    private static Trainer.Config trainerConfig(String label, int steps, double lr, Config c) {
        int warmup = Math.max(1, Math.min(100, steps / 10));
        int logEvery = Math.min(10, c.checkpointEvery());
        return new Trainer.Config(label, steps, new Schedule(lr, warmup, steps, 0.1), AdamW.Config.defaults(),
                c.checkpointEvery(), logEvery);
    }

    private static Map<String, Object> evaluate(Path base, Path tuned, InstructionDataset dataset, int[] trainStream,
                                                List<int[]> validationWindows, OrganismTokenizer tokenizer, Config config) {
        List<InstructionExample> heldOut = dataset.heldOut();
        if (config.evaluateLimit() > 0 && heldOut.size() > config.evaluateLimit()) {
            // as many of each held-out split as the limit allows, so that both are scored
            int inputs = (config.evaluateLimit() + 1) / 2;
            heldOut = java.util.stream.Stream.concat(
                    dataset.split(Split.HELDOUT_INPUT).stream().limit(inputs),
                    dataset.split(Split.HELDOUT_PHRASING).stream().limit(config.evaluateLimit() - inputs)).toList();
        }
        int maxNew = 24;
        Map<String, Object> scores = new LinkedHashMap<>();
        Map<String, Map<String, InstructionAttention.Scored>> own = new LinkedHashMap<>();
        Map<String, Double> tunedOnBaseResponses = Map.of();
        scores.put("held_out_examples", heldOut.size());
        scores.put("unigram_perplexity", Evaluation.unigramPerplexity(trainStream, validationWindows, tokenizer.vocabSize()));
        for (Map.Entry<String, Path> m : List.of(Map.entry("base", base), Map.entry("tuned", tuned))) {
            boolean isBase = m.getKey().equals("base");
            try (CausalLM lm = load(m.getValue(), config)) {
                Evaluation.FollowingScore f = Evaluation.following(lm, heldOut, maxNew);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("held_out_exact_match", f.accuracy());
                s.put("held_out_exact_match_per_task", f.perTask());
                s.put("held_out_exact_match_per_split", f.perSplit());
                s.put("validation_perplexity", Evaluation.perplexity(lm, validationWindows, 8));
                s.put("in_context_copying", Evaluation.copying(lm, validationWindows, COPYING_SPANS, COPYING_SPAN_TOKENS).asMap());
                var attention = InstructionAttention.own(lm, isBase ? ModelRole.BASE : ModelRole.TUNED, heldOut, maxNew);
                own.put(m.getKey(), attention);
                s.put("instruction_score", GroupSummary.of(values(attention.values().stream().map(InstructionAttention.Scored::score).toList())));
                if (!isBase) {
                    tunedOnBaseResponses = InstructionAttention.forced(lm, ModelRole.TUNED, heldOut, own.get("base"));
                }
                scores.put(m.getKey(), s);
                writeJson(m.getValue().resolve("held-out-answers.json"), f.answers());
                LOG.info("organism {}: held-out exact match {}, validation perplexity {}", m.getKey(),
                        f.accuracy(), s.get("validation_perplexity"));
            }
        }
        scores.put("perplexity_ratio_tuned_to_base",
                (double) ((Map<?, ?>) scores.get("tuned")).get("validation_perplexity")
                        / (double) ((Map<?, ?>) scores.get("base")).get("validation_perplexity"));
        Map<String, Double> baseOnTunedResponses;
        try (CausalLM lm = load(base, config)) {
            baseOnTunedResponses = InstructionAttention.forced(lm, ModelRole.BASE, heldOut, own.get("tuned"));
        }
        scores.put("finding1", findingOne(own.get("base"), own.get("tuned"), baseOnTunedResponses, tunedOnBaseResponses));
        Map<String, String> prompts = new LinkedHashMap<>();
        heldOut.forEach(e -> prompts.put(e.id(), e.prompt().text()));
        writeJson(base.resolve("held-out-prompts.json"), prompts);
        writeJson(tuned.resolve("held-out-prompts.json"), prompts);
        writeJson(base.resolve("scores.json"), scores);
        writeJson(tuned.resolve("scores.json"), scores);
        return scores;
    }

    /**
     * Finding 1's test, two ways. As in the paper: each model's own responses (of 5 tokens or more),
     * Welch's one-sided test, tuned > base. With the response held fixed: each such response, whichever
     * model gave it, is scored under both models (the other one by teacher forcing, as
     * {@code attribute --paired} does); a prompt's tuned and base scores are the means over its responses,
     * and a paired one-sided test runs over prompts. The second asks the finding's question directly
     * (does the tuned model lean on the instruction more for the same answer?), without the confound that
     * the two models give different kinds of answers: a copy of the input, say, against free text.
     */
    static Map<String, Object> findingOne(Map<String, InstructionAttention.Scored> baseOwn,
                                          Map<String, InstructionAttention.Scored> tunedOwn,
                                          Map<String, Double> baseOnTuned, Map<String, Double> tunedOnBase) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("paper_effect_sizes", PAPER_FINDING1_D);
        double[] b = values(baseOwn.values().stream().map(InstructionAttention.Scored::score).toList());
        double[] t = values(tunedOwn.values().stream().map(InstructionAttention.Scored::score).toList());
        Map<String, Object> own = new LinkedHashMap<>();
        own.put("n_base", b.length);
        own.put("n_tuned", t.length);
        boolean enough = b.length >= 2 && t.length >= 2;   // a smoke build's models may barely answer
        if (enough) {
            WelchTest.Result welch = WelchTest.test(t, b, WelchTest.Alternative.GREATER);
            own.put("mean_base", mean(b));
            own.put("mean_tuned", mean(t));
            own.put("cohens_d", PowerAnalysis.cohensD(t, b));
            own.put("t", welch.t());
            own.put("p", welch.p());
            own.put("power", powers(t.length, b.length));
        }
        out.put("own_responses", own);

        Map<String, double[]> perPrompt = new LinkedHashMap<>();   // id -> {tuned sum, base sum, responses}
        baseOwn.forEach((id, r) -> add(perPrompt, id, tunedOnBase.get(id), r.score()));
        tunedOwn.forEach((id, r) -> add(perPrompt, id, r.score(), baseOnTuned.get(id)));
        double[] tunedMeans = perPrompt.values().stream().mapToDouble(x -> x[0] / x[2]).toArray();
        double[] baseMeans = perPrompt.values().stream().mapToDouble(x -> x[1] / x[2]).toArray();
        Map<String, Object> same = new LinkedHashMap<>();
        same.put("prompts", perPrompt.size());
        same.put("responses", perPrompt.values().stream().mapToInt(x -> (int) x[2]).sum());
        if (perPrompt.size() >= 2) {
            PairedTTest.Result r = PairedTTest.greater(tunedMeans, baseMeans);
            double[] diff = new double[tunedMeans.length];
            for (int i = 0; i < diff.length; i++) {
                diff[i] = tunedMeans[i] - baseMeans[i];
            }
            double sd = Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(diff));
            same.put("mean_base", r.meanB());
            same.put("mean_tuned", r.meanA());
            same.put("cohens_dz", sd == 0 ? Double.NaN : mean(diff) / sd);
            same.put("t", r.t());
            same.put("p", r.p());
            // an unpaired test's power: a lower bound for the paired one, whose pairing removes prompt variance
            same.put("power", powers(perPrompt.size(), perPrompt.size()));
        }
        out.put("same_responses", same);
        return out;
    }

    /** The paper's Finding 1 effect sizes, per prompt set. */
    static final Map<String, Double> PAPER_FINDING1_D = io.github.instructshift.attribution.InstructionTables.PAPER_EFFECT_SIZES;

    /** Power of the one-sided Welch test at each of the paper's effect sizes, with this n, at the cards' α. */
    private static Map<String, Double> powers(int nTuned, int nBase) {
        Map<String, Double> m = new LinkedHashMap<>();
        PAPER_FINDING1_D.forEach((set, d) -> m.put(set, PowerAnalysis.welchPower(d, nTuned, nBase, ModelCards.ALPHA,
                WelchTest.Alternative.GREATER, 4000, 1234).power()));
        return m;
    }

    private static double mean(double[] x) {
        return org.apache.commons.math3.stat.StatUtils.mean(x);
    }

    private static void add(Map<String, double[]> perPrompt, String id, Double tuned, Double base) {
        if (tuned == null || base == null) {
            throw new IllegalStateException("prompt " + id + ": a response was scored under one model only");
        }
        double[] x = perPrompt.computeIfAbsent(id, k -> new double[3]);
        x[0] += tuned;
        x[1] += base;
        x[2]++;
    }

    private static CausalLM load(Path dir, Config config) {
        return Checkpoint.open(dir).load(new LoadOptions(config.device(), ai.djl.ndarray.types.DataType.FLOAT32));
    }

    private static double[] values(java.util.Collection<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Copies the loadable files of a training state into {@code target}, replacing what was there. */
    private static Path publish(Path state, Path target) {
        try {
            Files.createDirectories(target);
            for (String f : CHECKPOINT_FILES) {
                Path tmp = target.resolve(f + ".tmp");
                Files.copy(state.resolve(f), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Checkpoint.open(target);    // fails loudly if what was written does not load
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish the checkpoint to " + target, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readSummary(Path dataDir) {
        try {
            return new ObjectMapper().readValue(dataDir.resolve("data-summary.json").toFile(), Map.class);
        } catch (IOException e) {
            throw new OrganismException("cannot read " + dataDir.resolve("data-summary.json") + ": " + e.getMessage(), e);
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), value);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
