package io.github.instructshift.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.SafetensorsWriter;
import io.github.instructshift.model.Tensors;
import io.github.instructshift.organism.OrganismException;
import io.github.instructshift.organism.PaddedBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Next-token training of a checkpoint with AdamW, resumable: every {@code checkpointEvery} steps the
 * weights, the optimiser moments and the loss log go to {@code workDir/state} as one unit (written to
 * a temporary folder, then renamed), so a run killed at any moment resumes from the last saved step
 * and, batches being a function of the step, ends with the weights an uninterrupted run would have.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a training state carries besides the weights, so that it loads as a checkpoint. */
    static final List<String> CONFIG_FILES = List.of(
            "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json");

    /** One line of the loss log. */
    public record LogEntry(int step, double loss, double lr, double gradNorm) {}

    public record Config(String label, int steps, Schedule schedule, AdamW.Config optimizer, int checkpointEvery, int logEvery) {
        public Config {
            if (steps < 1 || checkpointEvery < 1 || logEvery < 1) {
                throw new IllegalArgumentException("steps, checkpointEvery and logEvery must be positive");
            }
            if (checkpointEvery % logEvery != 0) {
                // a resumed run restarts its loss window at the checkpoint, so checkpoints end windows
                throw new IllegalArgumentException("checkpointEvery (" + checkpointEvery + ") must be a multiple of logEvery (" + logEvery + ")");
            }
        }

        /** Everything that shapes the trajectory; {@code steps} is left out, so a run may stop early and go on later. */
        String fingerprint() {
            return label + "|" + schedule + "|" + optimizer + "|" + checkpointEvery + "|" + logEvery;
        }
    }

    /**
     * @param log    one entry per {@code logEvery} steps: mean loss over those steps
     * @param millis training time, summed over the runs a resumed training consists of
     */
    public record Result(Path checkpoint, List<LogEntry> log, long millis, boolean resumed) {
        public double firstLoss() {
            return log.get(0).loss();
        }

        public double lastLoss() {
            return log.get(log.size() - 1).loss();
        }
    }

    private Trainer() {}

    /**
     * Trains the checkpoint in {@code start} (a Hugging Face directory) and leaves the result, a
     * loadable checkpoint with the same config and tokenizer, in {@code workDir/state}.
     */
    public static Result train(Path start, Path workDir, BatchSource<?> source, Config config, Device device) {
        long t0 = System.nanoTime();
        Path state = workDir.resolve("state");
        recoverInterruptedSwap(workDir);
        boolean resumed = Files.isRegularFile(state.resolve("progress.json"));
        Path from = resumed ? state : start;
        List<LogEntry> log = new ArrayList<>();
        int firstStep = 0;
        long earlierMillis = 0;          // training time of the runs this one resumes
        if (resumed) {
            JsonNode progress = readJson(state.resolve("progress.json"));
            String saved = progress.path("config").asText();
            if (!saved.equals(config.fingerprint())) {
                throw new OrganismException(state + " holds a run with different settings; delete it to start over."
                        + "\n  saved: " + saved + "\n  now:   " + config.fingerprint());
            }
            firstStep = progress.get("step").asInt();
            earlierMillis = progress.path("millis").asLong();
            for (JsonNode e : progress.get("log")) {
                log.add(new LogEntry(e.get(0).asInt(), e.get(1).asDouble(), e.get(2).asDouble(), e.get(3).asDouble()));
            }
            LOG.info("{}: resuming at step {} of {} from {}", config.label(), firstStep, config.steps(), state);
        }
        try (CausalLM lm = CausalLM.loadForTraining(Checkpoint.open(from), device);
             AdamW optimizer = new AdamW(lm.manager(), lm.parameters(), config.optimizer())) {
            if (resumed) {
                optimizer.load(state.resolve("optimizer.safetensors"));
            }
            Map<String, NDArray> parameters = lm.parameters();
            double lossSum = 0;
            double normSum = 0;
            int inWindow = 0;
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName(config.label()).setInitialMax(config.steps())
                    .setStyle(ProgressBarStyle.ASCII).continuousUpdate().setUpdateIntervalMillis(2000)
                    .startsFrom(firstStep, java.time.Duration.ZERO).build()) {
                for (int step = firstStep; step < config.steps(); step++) {
                    double loss = lossAndBackward(lm, source.batch(step));
                    if (!Double.isFinite(loss)) {
                        throw new OrganismException(config.label() + ": loss is " + loss + " at step " + step
                                + "; training diverged, lower the learning rate");
                    }
                    double lr = config.schedule().at(step);
                    normSum += optimizer.step(parameters, lr);
                    lossSum += loss;
                    inWindow++;
                    bar.step();
                    bar.setExtraMessage(String.format(" loss %.3f", loss));
                    if ((step + 1) % config.logEvery() == 0 || step + 1 == config.steps()) {
                        log.add(new LogEntry(step + 1, lossSum / inWindow, lr, normSum / inWindow));
                        lossSum = 0;
                        normSum = 0;
                        inWindow = 0;
                    }
                    if ((step + 1) % config.checkpointEvery() == 0 || step + 1 == config.steps()) {
                        long millis = earlierMillis + (System.nanoTime() - t0) / 1_000_000;
                        saveState(workDir, from, lm, optimizer, step + 1, log, config, millis);
                        from = state;
                    }
                }
            }
        }
        return new Result(state, List.copyOf(log), earlierMillis + (System.nanoTime() - t0) / 1_000_000, resumed);
    }

    /** Masked mean cross-entropy of the batch's labels; fills the parameters' gradients. */
    static double lossAndBackward(CausalLM lm, PaddedBatch batch) {
        Flat f = Flat.of(batch);
        try (NDManager scope = lm.manager().newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = meanLoss(lm, scope, f, batch.size(), batch.width());
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /** Mean cross-entropy of the batch's counted labels, without gradients (evaluation). */
    static double loss(CausalLM lm, PaddedBatch batch) {
        Flat f = Flat.of(batch);
        try (NDManager scope = lm.manager().newSubManager()) {
            return meanLoss(lm, scope, f, batch.size(), batch.width()).getFloat();
        }
    }

    /**
     * Cross-entropy of every label of the batch, counted or not, {@code [size][width]}, without gradients:
     * one forward pass from which a caller averages the positions it wants.
     */
    static float[][] labelLosses(CausalLM lm, PaddedBatch batch) {
        Flat f = Flat.of(batch);
        int b = batch.size();
        int t = batch.width();
        try (NDManager scope = lm.manager().newSubManager()) {
            float[] flat = labelLogProbs(lm, scope, f, b, t).neg().toFloatArray();
            float[][] rows = new float[b][];
            for (int i = 0; i < b; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * t, (i + 1) * t);
            }
            return rows;
        }
    }

    private static NDArray meanLoss(CausalLM lm, NDManager scope, Flat f, int b, int t) {
        return labelLogProbs(lm, scope, f, b, t).mul(Tensors.of(scope, f.mask, new Shape(b, t))).sum()
                .mul(Tensors.scalar(scope, -1.0 / f.counted, DataType.FLOAT32));
    }

    /** log p(label) at every position, {@code [b, t]}. */
    private static NDArray labelLogProbs(CausalLM lm, NDManager scope, Flat f, int b, int t) {
        NDArray input = Tensors.of(scope, f.ids, new Shape(b, t));
        NDArray logits = lm.unembed(lm.hidden(lm.embed(input), null));
        // every index and constant here is owned by PyTorch: autograd keeps them for the backward pass
        return logits.logSoftmax(-1).gather(Tensors.of(scope, f.labels, new Shape(b, t, 1)), 2).reshape(b, t);
    }

    private record Flat(long[] ids, long[] labels, float[] mask, int counted) {
        static Flat of(PaddedBatch batch) {
            int b = batch.size();
            int t = batch.width();
            long[] ids = new long[b * t];
            long[] labels = new long[b * t];
            float[] mask = new float[b * t];
            int counted = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    ids[i * t + j] = batch.inputs()[i][j];
                    labels[i * t + j] = batch.labels()[i][j];
                    if (batch.labelMask()[i][j]) {
                        mask[i * t + j] = 1f;
                        counted++;
                    }
                }
            }
            if (counted == 0) {
                throw new OrganismException("a batch has no label to score");
            }
            return new Flat(ids, labels, mask, counted);
        }
    }

    private static void saveState(Path workDir, Path configSource, CausalLM lm, AdamW optimizer, int step,
                                  List<LogEntry> log, Config config, long millis) {
        Path tmp = workDir.resolve("state.tmp");
        Path state = workDir.resolve("state");
        Path old = workDir.resolve("state.old");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            for (String name : CONFIG_FILES) {       // not a model card or scores the start checkpoint may carry
                Path f = configSource.resolve(name);
                if (Files.isRegularFile(f)) {
                    Files.copy(f, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            writeWeights(lm, tmp.resolve("model.safetensors"));
            optimizer.save(tmp.resolve("optimizer.safetensors"));
            ObjectNode progress = JSON.createObjectNode();
            progress.put("step", step);
            progress.put("millis", millis);
            progress.put("config", config.fingerprint());     // a resume under other settings is refused
            ArrayNode entries = progress.putArray("log");
            for (LogEntry e : log) {
                entries.addArray().add(e.step()).add(e.loss()).add(e.lr()).add(e.gradNorm());
            }
            Files.writeString(tmp.resolve("progress.json"), JSON.writeValueAsString(progress));
            deleteTree(old);
            if (Files.exists(state)) {
                Files.move(state, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the training state in " + workDir, e);
        }
    }

    /** A kill between the two renames of {@link #saveState} leaves only state.old: take it back. */
    private static void recoverInterruptedSwap(Path workDir) {
        Path state = workDir.resolve("state");
        Path old = workDir.resolve("state.old");
        try {
            if (!Files.exists(state) && Files.isRegularFile(old.resolve("progress.json"))) {
                Files.move(old, state, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the training state in " + workDir, e);
        }
    }

    /** The parameters as a float32 safetensors file under their checkpoint names. */
    public static void writeWeights(CausalLM lm, Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        lm.parameters().forEach((name, p) -> tensors.put(name, new SafetensorsWriter.Tensor(p.getShape().getShape(), p.toFloatArray())));
        SafetensorsWriter.write(file, tensors);
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new OrganismException(file + ": unreadable training progress: " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
