package io.github.instructshift.report;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a notebook's run leaves the paper's settings, computed from the settings it actually ran with:
 * one row per deviation with the value here, the paper's, and why or how to match the paper. Empty
 * when the run is the paper's setting throughout.
 *
 * @param analysis the analysis the rows are about (e.g. "heads")
 * @param rows     the deviations
 */
public record Deviations(String analysis, List<Deviation> rows) {

    /** One setting that differs: its value here and in the paper, and what to do about it. */
    public record Deviation(String setting, String here, String paper, String note) {}

    public Deviations {
        rows = List.copyOf(rows);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Collects deviations; {@link #differs} adds a row only when the two values differ. */
    public static final class Builder {
        private final String analysis;
        private final List<Deviation> rows = new ArrayList<>();

        public Builder(String analysis) {
            this.analysis = analysis;
        }

        public Builder add(String setting, String here, String paper, String note) {
            rows.add(new Deviation(setting, here, paper, note));
            return this;
        }

        public Builder differs(String setting, Object here, Object paper, String note) {
            return here.equals(paper) ? this : add(setting, String.valueOf(here), String.valueOf(paper), note);
        }

        public Deviations build() {
            return new Deviations(analysis, rows);
        }
    }

    public Table table() {
        StringColumn setting = StringColumn.create("setting");
        StringColumn here = StringColumn.create("here");
        StringColumn paper = StringColumn.create("paper");
        StringColumn note = StringColumn.create("why / to match the paper");
        for (Deviation d : rows) {
            setting.append(d.setting());
            here.append(d.here());
            paper.append(d.paper());
            note.append(d.note());
        }
        return Table.create(analysis + ": deviations from the paper", setting, here, paper, note);
    }

    /** The rows as text, one line each, or a line saying there are none. */
    public String text() {
        if (rows.isEmpty()) {
            return analysis + ": the paper's settings throughout";
        }
        StringBuilder s = new StringBuilder(analysis).append(": ").append(rows.size())
                .append(rows.size() == 1 ? " deviation" : " deviations").append(" from the paper");
        for (Deviation d : rows) {
            s.append(System.lineSeparator()).append("- ").append(d.setting()).append(": ").append(d.here())
                    .append(" (paper: ").append(d.paper()).append(")");
            if (!d.note().isEmpty()) {
                s.append("; ").append(d.note());
            }
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
