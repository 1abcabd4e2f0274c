package io.github.instructshift.cli;

import ai.djl.ndarray.NDManager;
import io.github.instructshift.ffn.ChatClient;
import io.github.instructshift.ffn.ConceptLabeller;
import io.github.instructshift.ffn.ConceptShares;
import io.github.instructshift.ffn.FfnConcepts;
import io.github.instructshift.ffn.FfnException;
import io.github.instructshift.ffn.FfnTables;
import io.github.instructshift.ffn.LabelRecord;
import io.github.instructshift.ffn.LabellingFailure;
import io.github.instructshift.ffn.LayerPca;
import io.github.instructshift.ffn.FfnSettings;
import io.github.instructshift.ffn.LabellerSpec;
import io.github.instructshift.ffn.PcaOptions;
import io.github.instructshift.ffn.SubspaceRotation;
import io.github.instructshift.ffn.TokenizerVocabulary;
import io.github.instructshift.ffn.VocabularySource;
import io.github.instructshift.ffn.WordListVocabulary;
import io.github.instructshift.model.Checkpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code instruct-shift ffn}: Finding 3 on a base and a tuned checkpoint. Decomposes every layer's FFN
 * value vectors, describes the components by words, labels them over several seeded runs, compares
 * the task and linguistic-level shares, and measures how far the top-R subspaces rotated. Writes
 * CSVs (components, labels, runs, shares, shares_by_group, rotation, rotation_pairs) and NOTICE.txt.
 */
@Command(name = "ffn", mixinStandardHelpOptions = true, description = "FFN concepts of a base and a tuned model: PCA, word labels, task shares and subspace rotation.")
public final class FfnCommand implements Callable<Integer> {
    /** The defaults: the paper's settings, the one definition the notebooks read too. */
    private static final FfnSettings PAPER = FfnSettings.paper();

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "base (pre-trained) checkpoint")
    Path base;

    @Option(names = "--tuned", required = true, paramLabel = "DIR", description = "instruction-tuned checkpoint")
    Path tuned;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory for the CSVs")
    Path out;

    /** The labellers: picocli refuses any other value as a usage error. */
    enum LabellerKind { offline, openai }

    @Spec
    CommandSpec spec;

    @Option(names = "--labeller", defaultValue = "offline",
            description = "offline (lexicon stand-in, default) or openai; one of: ${COMPLETION-CANDIDATES}")
    LabellerKind labeller;

    @Option(names = "--endpoint", paramLabel = "URL", description = "OpenAI-compatible base URL, e.g. https://api.openai.com/v1")
    URI endpoint;

    @Option(names = "--model", paramLabel = "NAME", description = "chat model of the endpoint")
    String chatModel;

    @Option(names = "--api-key-env", defaultValue = LabellerSpec.DEFAULT_KEY_ENV, description = "environment variable holding the API key (default ${DEFAULT-VALUE}; may be unset for keyless endpoints)")
    String apiKeyEnv;

    @Option(names = "--cache", paramLabel = "DIR", description = "answer cache of the openai labeller (default OUT/label-cache)")
    Path cache;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds per request (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--max-failures", defaultValue = "" + ChatClient.Endpoint.DEFAULT_MAX_CONSECUTIVE_FAILURES,
            paramLabel = "N", description = "openai: stop the run after N requests in a row fail after every retry "
                    + "(default ${DEFAULT-VALUE})")
    int maxFailures;

    @Option(names = "--allow-unlabelled",
            description = "exit 0 even when some components could not be labelled (they are left out of every share)")
    boolean allowUnlabelled;

    @Option(names = "--parallel", defaultValue = "4", description = "labelling requests in flight (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--components", description = "R, top components per layer (default ${DEFAULT-VALUE})")
    int components = PAPER.concepts().components();

    @Option(names = "--top-words", description = "words kept per component (default ${DEFAULT-VALUE})")
    int topWords = PAPER.concepts().topWords();

    @Option(names = "--shown-words", description = "words shown to the labeller (default ${DEFAULT-VALUE})")
    int shownWords = PAPER.concepts().shownWords();

    @Option(names = "--runs", description = "labelling runs with seeds 0..N-1 (default ${DEFAULT-VALUE})")
    int runs = PAPER.runs();

    @Option(names = "--vocab", paramLabel = "FILE", description = "word list (word[TAB]freq per line), e.g. the paper's SingleShareGPT_Vocab.tsv; default: the tokenizer's word pieces")
    Path vocab;

    @Option(names = "--vocab-limit", defaultValue = "0", description = "keep the first N words of --vocab (0 = all)")
    int vocabLimit;

    @Option(names = "--layers-per-group", description = "layers per group in shares_by_group (default ${DEFAULT-VALUE})")
    int layersPerGroup = PAPER.layersPerGroup();

    @Option(names = "--pca", description = "AUTO, EXACT or RANDOMIZED (default ${DEFAULT-VALUE})")
    PcaOptions.Method pcaMethod = PAPER.concepts().pca().method();

    @Override
    public Integer call() throws IOException {
        // everything that can be refused is refused before any weight is read or any request is sent
        checkWritable(out);
        ConceptLabeller lab = labeller();
        FfnConcepts.Options options = settings().concepts();
        VocabularySource vocabulary = vocab != null ? new WordListVocabulary(vocab, vocabLimit) : new TokenizerVocabulary(3);
        Checkpoint baseCk = Checkpoint.open(base);
        Checkpoint tunedCk = Checkpoint.open(tuned);
        if (baseCk.config().numLayers() != tunedCk.config().numLayers()
                || baseCk.config().hiddenSize() != tunedCk.config().hiddenSize()) {
            throw new FfnException("--base " + base + " (" + baseCk.config().numLayers() + " layers, d_model "
                    + baseCk.config().hiddenSize() + ") and --tuned " + tuned + " (" + tunedCk.config().numLayers()
                    + " layers, d_model " + tunedCk.config().hiddenSize() + ") do not share a shape");
        }
        String baseName = "base";
        String tunedName = "tuned";
        FfnConcepts.ModelConcepts b;
        FfnConcepts.ModelConcepts t;
        try (NDManager manager = NDManager.newBaseManager()) {
            b = FfnConcepts.analyse(baseName, baseCk.weights(), baseCk.tokenizer(), vocabulary, options, manager);
            t = FfnConcepts.analyse(tunedName, tunedCk.weights(), tunedCk.tokenizer(), vocabulary, options, manager);
        }
        List<SubspaceRotation.LayerRotation> rotation = new ArrayList<>();
        for (int layer = 0; layer < b.layers().size(); layer++) {
            rotation.add(SubspaceRotation.compare(b.layers().get(layer), t.layers().get(layer),
                    b.layer(layer).stream().map(FfnConcepts.ComponentWords::wordList).toList(),
                    t.layer(layer).stream().map(FfnConcepts.ComponentWords::wordList).toList()));
        }
        List<FfnConcepts.ComponentWords> all = new ArrayList<>(b.components());
        all.addAll(t.components());
        long[] seeds = LongStream.range(0, runs).toArray();
        System.err.println(lab.notice());
        List<LabelRecord> labels = FfnConcepts.label(all, lab, seeds, shownWords, parallel);
        List<ConceptShares.RunShares> perRun = ConceptShares.perRun(labels);

        FfnTables.writeCsv(FfnTables.components(all, shownWords), out.resolve("components.csv"));
        FfnTables.writeCsv(FfnTables.labels(labels), out.resolve("labels.csv"));
        FfnTables.writeCsv(FfnTables.runs(perRun), out.resolve("runs.csv"));
        FfnTables.writeCsv(FfnTables.shares(ConceptShares.compare(perRun, baseName, tunedName)), out.resolve("shares.csv"));
        FfnTables.writeCsv(FfnTables.sharesByGroup(ConceptShares.byLayerGroup(labels, layersPerGroup)), out.resolve("shares_by_group.csv"));
        FfnTables.writeCsv(FfnTables.rotation(rotation), out.resolve("rotation.csv"));
        FfnTables.writeCsv(FfnTables.rotationPairs(rotation), out.resolve("rotation_pairs.csv"));

        long unlabelled = labels.stream().filter(l -> l.label().status() == io.github.instructshift.ffn.ConceptLabel.Status.UNLABELLED).count();
        StringBuilder notice = new StringBuilder();
        notice.append(lab.notice()).append('\n');
        notice.append("labeller=").append(lab.name()).append(" model=").append(lab.model()).append(" runs=").append(runs)
                .append(" (seeds 0..").append(runs - 1).append(")\n");
        notice.append("base=").append(base).append("\ntuned=").append(tuned).append('\n');
        notice.append("vocabulary=").append(b.vocabularySource()).append(" (").append(b.droppedWords().size())
                .append(" words without tokens left out)\n");
        notice.append("unlabelled (labeller failures, left out of every share)=").append(unlabelled).append('\n');
        for (FfnConcepts.ModelConcepts m : List.of(b, t)) {
            for (LayerPca p : m.layers()) {
                for (String w : p.warnings()) {
                    notice.append("warning: ").append(m.model()).append(": ").append(w).append('\n');
                }
            }
        }
        Path tmp = Files.createTempFile(out, "NOTICE", ".tmp");
        try {
            Files.writeString(tmp, notice, StandardCharsets.UTF_8);
            Files.move(tmp, out.resolve("NOTICE.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.out.printf("ffn: %d layers, %d + %d components, %d labels (%d unlabelled) -> %s%n", b.layers().size(),
                b.components().size(), t.components().size(), labels.size(), unlabelled, out);
        if (unlabelled > 0 && !allowUnlabelled) {
            throw new LabellingFailure(unlabelled + " of " + labels.size() + " labels are missing (labeller failures; "
                    + "see the error column of " + out.resolve("labels.csv") + "). The tables are written without them; "
                    + "rerun to retry (answered requests are cached) or pass --allow-unlabelled to accept them");
        }
        return 0;
    }

    /** --out must be a directory this process can write into; found now, not after an hour of labelling. */
    private void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ParameterException(spec.commandLine(), "--out " + dir + " is not a writable directory: " + e);
        }
    }

    /** The settings as given (the paper's where not given). */
    FfnSettings settings() {
        return new FfnSettings(new FfnConcepts.Options(components, topWords, shownWords,
                PAPER.concepts().pca().withMethod(pcaMethod)), runs, layersPerGroup);
    }

    private ConceptLabeller labeller() {
        try {
            return new LabellerSpec(labeller.name(), endpoint, chatModel, apiKeyEnv).open(System.getenv(),
                    cache != null ? cache : out.resolve("label-cache"), Duration.ofSeconds(timeoutSeconds), maxFailures,
                    "--endpoint", "--model");
        } catch (FfnException bad) {
            // a missing or unusable endpoint is a usage error, found before any work
            throw new ParameterException(spec.commandLine(), bad.getMessage());
        }
    }
}
