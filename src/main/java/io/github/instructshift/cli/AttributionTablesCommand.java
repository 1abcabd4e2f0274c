package io.github.instructshift.cli;

import io.github.instructshift.attribution.AttributionException;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PaperResults;
import io.github.instructshift.attribution.ResultStore;
import io.github.instructshift.data.DataFormatException;
import io.github.instructshift.data.PaperDatasets;
import io.github.instructshift.data.PromptRecord;
import io.github.instructshift.data.RatedResponse;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code instruct-shift attribution-tables}: Tables 1 and 2 of the paper (instruction scores of
 * followed vs not-followed responses; base vs tuned) from the authors' released attribution pickles or
 * from saved {@link AttributionResult} JSON files.
 */
@Command(name = "attribution-tables", mixinStandardHelpOptions = true,
        description = "Tables 1 and 2 (instruction importance: followed vs not followed; base vs tuned) "
                + "as table1.csv and table2.csv.")
public class AttributionTablesCommand implements Callable<Integer> {
    static final String PAPER_BASE_DIR = "ifa_llama_7b";
    static final String PAPER_TUNED_DIR = "ifa_vicuna_7b";

    static class Source {
        @Option(names = "--paper-results", paramLabel = "DIR", required = true,
                description = "Directory holding the authors' ifa_llama_7b (base) and ifa_vicuna_7b (tuned) pickles.")
        Path paperResults;

        @Option(names = "--results", paramLabel = "DIR", required = true,
                description = "Directory (searched recursively) of saved attribution result JSON files; "
                        + "base and tuned told apart by each result's role.")
        Path results;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--prompts", paramLabel = "FILE",
            description = "FinalDataset.tsv (needed with --paper-results: it holds the instruction fragments).")
    Path prompts;

    @Option(names = "--ratings", paramLabel = "FILE", required = true, description = "AnnotatedDataset.tsv.")
    Path ratings;

    @Option(names = "--rating-model", paramLabel = "NAME",
            description = "Model column value of the rated tuned responses (default: the one Model value with ratings).")
    String ratingModel;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where table1.csv and table2.csv go.")
    Path out;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;

    @Override
    public Integer call() {
        try {
            List<AttributionResult> base = new ArrayList<>();
            List<AttributionResult> tuned = new ArrayList<>();
            if (source.paperResults != null) {
                if (prompts == null) {
                    throw new AttributionException("--paper-results needs --prompts FinalDataset.tsv");
                }
                Map<String, PromptRecord> byId = new LinkedHashMap<>();
                for (PromptRecord p : PaperDatasets.readPrompts(prompts)) {
                    byId.put(p.id(), p);
                }
                base.addAll(PaperResults.load(source.paperResults.resolve(PAPER_BASE_DIR), byId, "llama-7b",
                        ModelRole.BASE));
                tuned.addAll(PaperResults.load(source.paperResults.resolve(PAPER_TUNED_DIR), byId, "vicuna-7b",
                        ModelRole.TUNED));
            } else {
                for (AttributionResult r : loadResults(source.results)) {
                    if (r.role() == null) {
                        throw new AttributionException("result " + r.id() + " (" + r.model() + ") has no role");
                    }
                    (r.role() == ModelRole.BASE ? base : tuned).add(r);
                }
            }
            List<RatedResponse> rated = PaperDatasets.readRatings(ratings);
            String model = ratingModel != null ? ratingModel : ratedModel(rated);
            InstructionTables.Table1 t1 = InstructionTables.table1(tuned, rated, model);
            List<InstructionTables.Row> t2 = InstructionTables.table2(base, tuned);
            Files.createDirectories(out);
            InstructionTables.writeCsv(t1.rows(), out.resolve("table1.csv"));
            InstructionTables.writeCsv(t2, out.resolve("table2.csv"));

            int unmatched = 0;
            for (AttributionResult r : tuned) {
                unmatched += r.unmatched().size();
            }
            stdout.printf(Locale.ROOT, "base results: %d, tuned results: %d, instruction fragments not found: %d%n",
                    base.size(), tuned.size(), unmatched);
            stdout.printf(Locale.ROOT, "Table 1 (%s ratings): %d unrated and %d short (<%d tokens) responses left out, "
                            + "%d rated responses without a result%s%n", model, t1.unrated(), t1.shortResponses(),
                    InstructionTables.MIN_RESPONSE_TOKENS, t1.ratedWithoutResult().size(),
                    t1.ratedWithoutResult().isEmpty() ? "" : " " + t1.ratedWithoutResult());
            print("Table 1", t1.rows());
            print("Table 2", t2);
            stdout.println("wrote " + out.resolve("table1.csv") + " and " + out.resolve("table2.csv"));
            return 0;
        } catch (AttributionException | DataFormatException | UncheckedIOException e) {
            stderr.println("error: " + Main.message(e));       // bad input: the message names file and field
            return 2;
        } catch (IOException e) {
            stderr.println("error: " + Main.message(e));
            return 1;
        }
    }

    private void print(String title, List<InstructionTables.Row> rows) {
        stdout.println(title);
        stdout.printf(Locale.ROOT, "  %-14s %-13s %5s %8s %8s %10s%n", "set", "group", "n", "mean", "std", "p");
        for (InstructionTables.Row r : rows) {
            stdout.printf(Locale.ROOT, "  %-14s %-13s %5d %8.4f %8.4f %10.3e%n", r.set(), r.group(), r.n(), r.mean(),
                    r.std(), r.p());
        }
    }

    private static List<AttributionResult> loadResults(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new AttributionException("--results " + dir + " is not a directory");
        }
        List<AttributionResult> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                out.add(ResultStore.read(p));
            }
        }
        if (out.isEmpty()) {
            throw new AttributionException("--results " + dir + " holds no .json result files");
        }
        return out;
    }

    /** The single Model value that has rated rows (vicuna_7B in the released file). */
    static String ratedModel(List<RatedResponse> rows) {
        Set<String> models = new TreeSet<>();
        for (RatedResponse r : rows) {
            if (r.rated()) {
                models.add(r.model());
            }
        }
        if (models.size() != 1) {
            throw new AttributionException("cannot tell which Model column holds the tuned model's ratings: rated rows "
                    + "have " + models + "; pass --rating-model");
        }
        return models.iterator().next();
    }
}
