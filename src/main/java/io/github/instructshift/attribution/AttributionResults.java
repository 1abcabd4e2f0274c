package io.github.instructshift.attribution;

import io.github.instructshift.data.PromptSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Collection;

/** Many results as one Tablesaw table, for notebooks and statistics. */
public final class AttributionResults {
    /** The label of prompts that belong to none of the paper's sets. */
    public static final String OTHER_SET = "other";

    private AttributionResults() {}

    /**
     * One result without its matrices: what tables and summaries need, small enough to keep for
     * thousands of prompts.
     */
    public record Row(String id, String set, String model, String role, String format, int promptTokens,
                      int responseTokens, int instructionTokens, int unmatchedFragments, double score) {}

    public static Row row(AttributionResult r) {
        PromptSet ps = r.promptSet();
        int count = 0;
        for (boolean b : r.instructionMask()) {
            count += b ? 1 : 0;
        }
        return new Row(r.id(), ps == null ? OTHER_SET : ps.label(), r.model(), r.role() == null ? "" : r.role().label(),
                r.promptFormat() == null ? "" : r.promptFormat(), r.promptTokens().size(), r.responseTokens().size(),
                count, r.unmatched().size(), r.score());
    }

    /**
     * Columns: id, set, model, role, format, prompt_tokens, response_tokens, instruction_tokens,
     * unmatched_fragments, score.
     */
    public static Table table(Collection<AttributionResult> results) {
        java.util.List<Row> rows = new ArrayList<>(results.size());
        for (AttributionResult r : results) {
            rows.add(row(r));
        }
        return rowTable(rows);
    }

    /** As {@link #table}, from rows. */
    public static Table rowTable(Collection<Row> rows) {
        StringColumn id = StringColumn.create("id");
        StringColumn set = StringColumn.create("set");
        StringColumn model = StringColumn.create("model");
        StringColumn role = StringColumn.create("role");
        StringColumn format = StringColumn.create("format");
        IntColumn promptTokens = IntColumn.create("prompt_tokens");
        IntColumn responseTokens = IntColumn.create("response_tokens");
        IntColumn instructionTokens = IntColumn.create("instruction_tokens");
        IntColumn unmatched = IntColumn.create("unmatched_fragments");
        DoubleColumn score = DoubleColumn.create("score");
        for (Row r : rows) {
            id.append(r.id());
            set.append(r.set());
            model.append(r.model());
            role.append(r.role());
            format.append(r.format());
            promptTokens.append(r.promptTokens());
            responseTokens.append(r.responseTokens());
            instructionTokens.append(r.instructionTokens());
            unmatched.append(r.unmatchedFragments());
            score.append(r.score());
        }
        return Table.create("attribution", id, set, model, role, format, promptTokens, responseTokens,
                instructionTokens, unmatched, score);
    }
}
