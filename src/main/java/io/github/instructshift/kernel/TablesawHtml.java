package io.github.instructshift.kernel;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A Tablesaw {@link Table} as an HTML table: the first rows, with a note of what was left out. */
final class TablesawHtml {
    private TablesawHtml() {
    }

    static String render(Object value, int maxRows) {
        Table t = (Table) value;
        StringBuilder sb = new StringBuilder("<table class=\"dataframe\">\n");
        if (t.name() != null && !t.name().isBlank()) {
            sb.append("<caption>").append(escape(t.name())).append("</caption>\n");
        }
        sb.append("<thead><tr>");
        for (String name : t.columnNames()) {
            sb.append("<th>").append(escape(name)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        int rows = Math.min(maxRows, t.rowCount());
        for (int r = 0; r < rows; r++) {
            sb.append("<tr>");
            for (Column<?> c : t.columns()) {
                sb.append("<td>").append(escape(c.getString(r))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
        if (t.rowCount() > rows) {
            sb.append("<p>").append(t.rowCount() - rows).append(" more rows (").append(t.rowCount())
                    .append(" rows × ").append(t.columnCount()).append(" columns)</p>\n");
        }
        return sb.toString();
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
