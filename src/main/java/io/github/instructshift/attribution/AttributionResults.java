package io.github.instructshift.attribution;

import io.github.instructshift.data.PromptSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Collection;

/** Many results as one Tablesaw table, for notebooks and statistics. */
public final class AttributionResults {
    private AttributionResults() {}

    /**
     * Columns: id, set, model, role, format, prompt_tokens, response_tokens, instruction_tokens,
     * unmatched_fragments, score.
     */
    public static Table table(Collection<AttributionResult> results) {
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
        for (AttributionResult r : results) {
            PromptSet ps = r.promptSet();
            id.append(r.id());
            set.append(ps == null ? "other" : ps.label());
            model.append(r.model());
            role.append(r.role() == null ? "" : r.role().label());
            format.append(r.promptFormat() == null ? "" : r.promptFormat());
            promptTokens.append(r.promptTokens().size());
            responseTokens.append(r.responseTokens().size());
            int count = 0;
            for (boolean b : r.instructionMask()) {
                count += b ? 1 : 0;
            }
            instructionTokens.append(count);
            unmatched.append(r.unmatched().size());
            score.append(r.score());
        }
        return Table.create("attribution", id, set, model, role, format, promptTokens, responseTokens,
                instructionTokens, unmatched, score);
    }
}
