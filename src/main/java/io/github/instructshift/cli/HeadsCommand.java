package io.github.instructshift.cli;

import io.github.instructshift.heads.HeadsAnalysis;
import io.github.instructshift.heads.HeadsException;
import io.github.instructshift.heads.HeadsOptions;
import io.github.instructshift.heads.HeadsReport;
import io.github.instructshift.heads.LayerTiming;
import io.github.instructshift.heads.Verbs;
import io.github.instructshift.heads.WordFrequencies;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.CheckpointException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code instruct-shift heads}: Finding 2 from the weights alone. Reads every attention head of a base
 * and a tuned model as word–word pairs, compares how often instruction verbs vs general verbs gain
 * pairs per quarter of the depth, and ranks heads by how far tuning moved them. Writes CSV files to
 * {@code --out} (all of them or none: they are written to a temporary folder and moved in at the end).
 */
@Command(name = "heads", mixinStandardHelpOptions = true, description = "Attention heads as word-word pairs: which relations instruction tuning adds (weights only).")
public final class HeadsCommand implements Callable<Integer> {
    /** The defaults: the paper's settings, the one definition the notebooks read too. */
    private static final HeadsOptions PAPER = HeadsOptions.paper();

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "base model checkpoint directory")
    Path base;

    @Option(names = "--tuned", required = true, paramLabel = "DIR", description = "instruction-tuned checkpoint directory")
    Path tuned;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "word<TAB>frequency list, most frequent first (e.g. SingleShareGPT_Vocab.tsv); default: the base tokenizer's word pieces")
    Path vocab;

    @Option(names = "--vectors", paramLabel = "FILE",
            description = "GloVe/word2vec text file for the relatedness test (the paper: GloVe 840B); default: the base model's input embeddings")
    Path vectors;

    @Option(names = "--vectors-dim", defaultValue = "0", description = "expected dimension of --vectors, 0 = any (default ${DEFAULT-VALUE})")
    int vectorsDim;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder for the CSV files")
    Path out;

    @Option(names = "--top-k", description = "words per dimension and side (default ${DEFAULT-VALUE})")
    int topK = PAPER.topK();

    @Option(names = "--dims", description = "dimensions per head by energy, 0 = all (default ${DEFAULT-VALUE})")
    int dims = PAPER.topDims();

    @Option(names = "--baseline", description = "most frequent words setting relatedness thresholds (default ${DEFAULT-VALUE})")
    int baseline = PAPER.baselineWords();

    @Option(names = "--min-dims", description = "dimensions a pair needs to count for a head (default ${DEFAULT-VALUE})")
    int minDims = PAPER.minDims();

    @Option(names = "--general-verbs", description = "size of the WordNet general-verb baseline (default ${DEFAULT-VALUE})")
    int generalVerbs = PAPER.generalVerbs();

    @Option(names = "--top-heads", defaultValue = "10", description = "most-changed heads whose gained/lost pairs are listed (default ${DEFAULT-VALUE})")
    int topHeads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            HeadsAnalysis.Model b = open(base);
            HeadsAnalysis.Model t = open(tuned);
            WordFrequencies words = vocab != null ? WordFrequencies.read(vocab)
                    : WordFrequencies.fromTokenizer(b.tokenizer());
            HeadsOptions options = options();
            List<String> general = Verbs.general(words, generalVerbs, Verbs.wordNetVerbLemmas(), Verbs.INSTRUCTION);
            int layers = b.weights().config().numLayers();
            HeadsReport report = HeadsAnalysis.compare(b, t, words, vectors, vectorsDim, options, general,
                    lt -> err.printf(Locale.ROOT, "layer %d/%d: %.1f s (%.0f%% matrix work)%n", lt.layer() + 1, layers,
                            lt.totalSeconds(), 100 * lt.matrixShare()));
            write(report);
            PrintWriter o = spec.commandLine().getOut();
            o.println(summary(report));
            o.println(report.groupTable().print());
            o.flush();
            return 0;
        } catch (HeadsException | CheckpointException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    /** The options as given (the paper's where not given). */
    HeadsOptions options() {
        return new HeadsOptions(topK, dims, baseline, minDims, generalVerbs);
    }

    /** DIR → model: the one place that knows how checkpoints are opened. */
    static HeadsAnalysis.Model open(Path dir) {
        Checkpoint c = Checkpoint.open(dir);
        return new HeadsAnalysis.Model(String.valueOf(dir.toAbsolutePath().normalize().getFileName()), c.weights(),
                c.tokenizer());
    }

    private void write(HeadsReport r) throws IOException {
        Map<String, Table> files = new LinkedHashMap<>();
        files.put("base_pairs.csv", r.pairsTable(false));
        files.put("tuned_pairs.csv", r.pairsTable(true));
        files.put("layer_groups.csv", r.groupTable());
        files.put("head_changes.csv", r.headChangeTable());
        files.put("gained_lost.csv", r.gainedLost(topHeads));
        files.put("instruction_verb_changes.csv", verbChanges(r));
        files.put("timings.csv", r.timingTable());
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory(out, ".heads-");
        try {
            for (Map.Entry<String, Table> f : files.entrySet()) {
                f.getValue().write().csv(tmp.resolve(f.getKey()).toString());
            }
            Files.writeString(tmp.resolve("summary.txt"), summary(r), StandardCharsets.UTF_8);
            List<String> names = new ArrayList<>(files.keySet());
            names.add("summary.txt");
            for (String name : names) {
                Files.move(tmp.resolve(name), out.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            try (var left = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) left::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(tmp);
        }
    }

    private static Table verbChanges(HeadsReport r) {
        Table all = null;
        for (String verb : Verbs.INSTRUCTION) {
            Table t = r.verbChanges(verb);
            StringColumn v = StringColumn.create("verb");
            for (int i = 0; i < t.rowCount(); i++) {
                v.append(verb);
            }
            t.insertColumn(0, v);
            all = all == null ? t : all.append(t);
        }
        return all.setName("instruction verb pairs per head");
    }

    private static String summary(HeadsReport r) {
        StringBuilder s = new StringBuilder();
        s.append("base: ").append(r.baseName()).append('\n');
        s.append("tuned: ").append(r.tunedName()).append('\n');
        s.append("words: ").append(r.words().size()).append(" (").append(r.words().source()).append(")\n");
        s.append("relatedness: ").append(r.relatedness()).append('\n');
        s.append("general verbs: ").append(r.generalVerbs().size()).append('\n');
        for (String n : r.notes()) {
            s.append("note: ").append(n).append('\n');
        }
        return s.toString();
    }
}
