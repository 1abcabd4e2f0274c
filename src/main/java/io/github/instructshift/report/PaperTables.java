package io.github.instructshift.report;

import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PaperResults;
import io.github.instructshift.data.PaperDatasets;
import io.github.instructshift.data.PromptRecord;
import io.github.instructshift.data.RatedResponse;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Tables 1 and 2 of the paper recomputed from the authors' released attributions of LLaMA-7B and
 * Vicuna-7B, when the configuration names their folder; otherwise only a note saying how to add it.
 *
 * @param table1           followed vs not followed (Vicuna's rated responses), or null when absent
 * @param table2           LLaMA vs Vicuna over all prompts, or null when absent
 * @param baseResults      LLaMA results read
 * @param tunedResults     Vicuna results read
 * @param note             what was read or why nothing was
 */
public record PaperTables(InstructionTables.Table1 table1, List<InstructionTables.Row> table2, int baseResults,
                          int tunedResults, String note) {

    public static final String BASE_DIR = "ifa_llama_7b";
    public static final String TUNED_DIR = "ifa_vicuna_7b";

    /** From the configuration's paper folder, or the note when none is given. */
    public static PaperTables compute(NotebookConfig config) {
        return config.paperDir().map(PaperTables::compute).orElseGet(() -> new PaperTables(null, null, 0, 0,
                "The authors' released data is not given, so Tables 1 and 2 of the paper are not computed. Set "
                        + "INSTRUCT_SHIFT_PAPER to their folder (the one with datasets/ and attributions/, e.g. "
                        + "../shared/paper) and run this notebook again."));
    }

    public static PaperTables compute(Path paper) {
        Map<String, PromptRecord> byId = new LinkedHashMap<>();
        for (PromptRecord p : PaperDatasets.readPrompts(paper.resolve("datasets").resolve("FinalDataset.tsv"))) {
            byId.put(p.id(), p);
        }
        List<AttributionResult> base = PaperResults.load(paper.resolve("attributions").resolve(BASE_DIR), byId,
                "llama-7b", ModelRole.BASE);
        List<AttributionResult> tuned = PaperResults.load(paper.resolve("attributions").resolve(TUNED_DIR), byId,
                "vicuna-7b", ModelRole.TUNED);
        List<RatedResponse> ratings = PaperDatasets.readRatings(paper.resolve("datasets").resolve("AnnotatedDataset.tsv"));
        TreeSet<String> rated = new TreeSet<>();
        ratings.stream().filter(RatedResponse::rated).forEach(r -> rated.add(r.model()));
        if (rated.size() != 1) {
            throw new ReportException(paper + ": expected the ratings of one model in AnnotatedDataset.tsv, found " + rated);
        }
        InstructionTables.Table1 t1 = InstructionTables.table1(tuned, ratings, rated.first());
        List<InstructionTables.Row> t2 = InstructionTables.table2(base, tuned);
        String note = String.format(Locale.ROOT, "From %s: %d LLaMA-7B and %d Vicuna-7B attributions; Table 1 uses the"
                        + " %s ratings (%d unrated and %d short responses left out, %d rated responses without a result).",
                paper, base.size(), tuned.size(), rated.first(), t1.unrated(), t1.shortResponses(),
                t1.ratedWithoutResult().size());
        return new PaperTables(t1, t2, base.size(), tuned.size(), note);
    }

    public boolean present() {
        return table2 != null;
    }

    /** Table 1 as set, group, n, mean, std, p (empty when absent). */
    public Table table1Table() {
        return InstructionTables.asTable("Table 1: instruction score, followed vs not followed (Vicuna-7B)",
                present() ? table1.rows() : List.of());
    }

    /** Table 2 as set, group, n, mean, std, p (empty when absent). */
    public Table table2Table() {
        return InstructionTables.asTable("Table 2: instruction score, LLaMA-7B (base) vs Vicuna-7B (tuned)",
                present() ? table2 : List.of());
    }

    /** The note and, when present, both tables. */
    public String toHtml() {
        StringBuilder html = new StringBuilder("<p>").append(Figures.escape(note)).append("</p>");
        if (present()) {
            html.append(rowsHtml("Table 1: followed vs not followed (Vicuna-7B)", table1.rows()));
            html.append(rowsHtml("Table 2: LLaMA-7B (base) vs Vicuna-7B (tuned)", table2));
        }
        return html.toString();
    }

    private static String rowsHtml(String title, List<InstructionTables.Row> rows) {
        StringBuilder s = new StringBuilder("<h4>").append(Figures.escape(title)).append("</h4><table><tr><th>set</th>"
                + "<th>group</th><th>n</th><th>mean</th><th>std</th><th>p</th></tr>");
        for (InstructionTables.Row r : rows) {
            s.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%.4f</td><td>%.4f</td>"
                    + "<td>%.3g</td></tr>", r.set(), r.group(), r.n(), r.mean(), r.std(), r.p()));
        }
        return s.append("</table>").toString();
    }

    @Override
    public String toString() {
        if (!present()) {
            return note;
        }
        return note + System.lineSeparator() + table1Table().print() + System.lineSeparator() + table2Table().print();
    }
}
