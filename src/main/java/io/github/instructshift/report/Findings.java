package io.github.instructshift.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's numbers: each notebook saves its finding's key numbers as {@code figures/NAME.json}
 * ({@value #PAIR}, {@value #ATTRIBUTION}, {@value #HEADS}, {@value #FFN}), and the summary notebook
 * reads them back ({@link #collect}) into one table, one three-panel chart, {@code summary.json},
 * a short {@code summary.txt} (what {@code environment/run-all} prints) and a self-contained
 * {@code summary.html} page.
 */
public final class Findings {
    public static final String PAIR = "pair";
    public static final String ATTRIBUTION = "finding1-attribution";
    public static final String HEADS = "finding2-heads";
    public static final String FFN = "finding3-ffn";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Findings() {}

    /** A JSON-safe number: the value, or null when it is NaN or infinite. */
    public static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The pair's names and sizes (00-models). */
    public static Map<String, Object> pair(ModelPair pair) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (ModelRole role : ModelRole.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", pair.name(role));
            m.put("directory", pair.checkpoint(role).dir().toString());
            m.put("model_type", pair.checkpoint(role).config().modelType());
            m.put("parameters", pair.checkpoint(role).parameterCount());
            m.put("layers", pair.checkpoint(role).config().numLayers());
            m.put("hidden_size", pair.checkpoint(role).config().hiddenSize());
            s.put(role.label(), m);
        }
        s.put("device", pair.config().device());
        s.put("dtype", pair.config().dtype());
        return s;
    }

    /** Finding 1's numbers: the pair's comparison per prompt set and, when read, the paper's Tables 1 and 2. */
    public static Map<String, Object> attribution(PairAttribution.Scores scores, PaperTables paper) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("prompts", scores.prompts().size());
        List<Map<String, Object>> pairRows = rows(scores.comparison());
        Table power = scores.powerTable();
        for (int r = 0; r < power.rowCount() && r < pairRows.size(); r++) {
            Map<String, Object> row = pairRows.get(r);
            row.put("cohens_d", finite(power.doubleColumn("Cohen's d").getDouble(r)));
            Map<String, Object> atPaper = new LinkedHashMap<>();
            for (String set : io.github.instructshift.attribution.InstructionTables.PAPER_EFFECT_SIZES.keySet()) {
                atPaper.put(set, finite(power.doubleColumn(PairAttribution.Scores.powerColumn(set)).getDouble(r)));
            }
            row.put("power_at_paper_d", atPaper);
        }
        s.put("pair", pairRows);
        s.put("paper_table1", paper.present() ? rows(paper.table1().rows()) : null);
        s.put("paper_table2", paper.present() ? rows(paper.table2()) : null);
        s.put("paper_note", paper.note());
        return s;
    }

    /** Rows of a two-group table as one entry per set: group means, stds, ns and the p-value. */
    static List<Map<String, Object>> rows(List<InstructionTables.Row> rows) {
        Map<String, Map<String, Object>> bySet = new LinkedHashMap<>();
        for (InstructionTables.Row r : rows) {
            Map<String, Object> m = bySet.computeIfAbsent(r.set(), k -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("set", k);
                return x;
            });
            String g = r.group().replace('-', '_');
            m.put(g + "_n", r.n());
            m.put(g + "_mean", finite(r.mean()));
            m.put(g + "_std", finite(r.std()));
            m.put("p", finite(r.p()));
        }
        return new ArrayList<>(bySet.values());
    }

    // ------------------------------------------------------------------------------- the summary

    /** The four saved JSON files read back. */
    public record Summary(JsonNode pair, JsonNode attribution, JsonNode heads, JsonNode ffn) {

        /** One row per headline number. */
        public Table table() {
            StringColumn finding = StringColumn.create("finding");
            StringColumn measure = StringColumn.create("measure");
            StringColumn base = StringColumn.create("base");
            StringColumn tuned = StringColumn.create("tuned");
            StringColumn p = StringColumn.create("p");
            List<String> power = new ArrayList<>();   // at the paper's effect sizes; Finding 1: the range over its sets
            for (JsonNode r : attribution.path("pair")) {
                add(finding, measure, base, tuned, p, "1 attribution", "instruction score, " + r.path("set").asText()
                                + " (n = " + r.path("base_n").asText() + ")",
                        num(r, "base_mean"), num(r, "tuned_mean"), num(r, "p"));
                power.add(range(r.path("power_at_paper_d")));
            }
            for (JsonNode r : attribution.path("paper_table2")) {
                add(finding, measure, base, tuned, p, "1 attribution", "paper Table 2 (LLaMA vs Vicuna), "
                        + r.path("set").asText(), num(r, "base_mean"), num(r, "tuned_mean"), num(r, "p"));
                power.add("");
            }
            for (JsonNode g : heads.path("layer_groups")) {
                add(finding, measure, base, tuned, p, "2 heads", "share of heads gaining pairs, layers "
                                + g.path("layers").asText() + " (general verbs | instruction verbs)",
                        num(g, "general_share"), num(g, "instruction_share"), num(g, "p_value"));
                power.add(num(g, "power"));
            }
            JsonNode top = heads.path("most_changed_head");
            add(finding, measure, base, tuned, p, "2 heads", "most changed head: layer " + top.path("layer").asInt()
                    + " head " + top.path("head").asInt() + " (relative change)", "", num(top, "relative_change"), "");
            power.add("");
            for (Iterator<Map.Entry<String, JsonNode>> it = ffn.path("task_shares").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                add(finding, measure, base, tuned, p, "3 FFN", "share of concepts for " + e.getKey(),
                        num(e.getValue(), "base"), num(e.getValue(), "tuned"), num(e.getValue(), "p"));
                power.add(num(ffn.path("power").path("per_task"), e.getKey()));
            }
            add(finding, measure, base, tuned, p, "3 FFN", "mean principal angle of the top components (deg)", "",
                    num(ffn, "mean_principal_angle_deg"), "");
            power.add("");
            StringColumn powerColumn = StringColumn.create("power", power);
            return Table.create("the three findings on " + pair.path("base").path("name").asText() + " vs "
                    + pair.path("tuned").path("name").asText(), finding, measure, base, tuned, p, powerColumn);
        }

        private static String range(JsonNode powers) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (JsonNode v : powers) {
                if (v.isNumber()) {
                    lo = Math.min(lo, v.asDouble());
                    hi = Math.max(hi, v.asDouble());
                }
            }
            return lo > hi ? "n/a" : String.format(Locale.ROOT, "%.2f-%.2f", lo, hi);
        }

        private static void add(StringColumn f, StringColumn m, StringColumn b, StringColumn t, StringColumn p,
                                String finding, String measure, String base, String tuned, String pValue) {
            f.append(finding);
            m.append(measure);
            b.append(base);
            t.append(tuned);
            p.append(pValue);
        }

        private static String num(JsonNode n, String field) {
            JsonNode v = n.path(field);
            return v.isIntegralNumber() ? v.asText() : v.isNumber() ? String.format(Locale.ROOT, "%.4g", v.asDouble()) : v.isMissingNode() || v.isNull() ? "n/a" : v.asText();
        }

        /** The three findings as three bar charts side by side. */
        public Drawing chart() {
            CategoryChart f1 = panel("1. instruction score (mean)", "prompt set");
            List<String> sets = new ArrayList<>();
            List<Double> b1 = new ArrayList<>();
            List<Double> t1 = new ArrayList<>();
            for (JsonNode r : attribution.path("pair")) {
                sets.add(r.path("set").asText());
                b1.add(r.path("base_mean").asDouble(0));
                t1.add(r.path("tuned_mean").asDouble(0));
            }
            f1.addSeries("base", sets, b1);
            f1.addSeries("tuned", sets, t1);

            CategoryChart f2 = panel("2. heads gaining verb pairs", "layers");
            f2.getStyler().setSeriesColors(new Color[] {new Color(120, 120, 120), Charts.TUNED});
            f2.getStyler().setYAxisMax(1.0);
            List<String> groups = new ArrayList<>();
            List<Double> gen = new ArrayList<>();
            List<Double> inst = new ArrayList<>();
            for (JsonNode g : heads.path("layer_groups")) {
                groups.add(g.path("layers").asText());
                gen.add(g.path("general_share").isNumber() ? g.path("general_share").asDouble() : null);
                inst.add(g.path("instruction_share").isNumber() ? g.path("instruction_share").asDouble() : null);
            }
            f2.addSeries("general verbs", groups, gen);
            f2.addSeries("instruction verbs", groups, inst);

            CategoryChart f3 = panel("3. FFN concepts by task", "task");
            List<String> tasks = new ArrayList<>();
            List<Double> b3 = new ArrayList<>();
            List<Double> t3 = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = ffn.path("task_shares").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tasks.add(e.getKey());
                b3.add(e.getValue().path("base").asDouble(0));
                t3.add(e.getValue().path("tuned").asDouble(0));
            }
            f3.addSeries("base", tasks, b3);
            f3.addSeries("tuned", tasks, t3);
            return Charts.row(List.of(f1, f2, f3));
        }

        private static CategoryChart panel(String title, String x) {
            CategoryChart c = new CategoryChartBuilder().width(520).height(380).title(title).xAxisTitle(x).build();
            c.getStyler().setChartBackgroundColor(Color.WHITE);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            c.getStyler().setSeriesColors(new Color[] {Charts.BASE, Charts.TUNED});
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisDecimalPattern("0.###");
            c.getStyler().setXAxisLabelRotation(20);
            return c;
        }

        /** Everything as one JSON object. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(PAIR, pair);
            m.put(ATTRIBUTION, attribution);
            m.put(HEADS, heads);
            m.put(FFN, ffn);
            return m;
        }

        /** A few lines for a terminal: the headline numbers of each finding. */
        public String text() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "pair: %s (base) vs %s (tuned)%n", pair.path("base").path("name").asText(),
                    pair.path("tuned").path("name").asText()));
            for (JsonNode r : attribution.path("pair")) {
                s.append(String.format(Locale.ROOT, "finding 1, instruction score [%s]: base %s, tuned %s (n %s, d %s,"
                                + " p %s, power at the paper's d %s)%n", r.path("set").asText(), num(r, "base_mean"),
                        num(r, "tuned_mean"), num(r, "base_n"), num(r, "cohens_d"), num(r, "p"), range(r.path("power_at_paper_d"))));
            }
            for (JsonNode r : attribution.path("paper_table2")) {
                s.append(String.format(Locale.ROOT, "finding 1, paper Table 2 [%s]: LLaMA %s, Vicuna %s (p %s)%n",
                        r.path("set").asText(), num(r, "base_mean"), num(r, "tuned_mean"), num(r, "p")));
            }
            for (JsonNode g : heads.path("layer_groups")) {
                s.append(String.format(Locale.ROOT, "finding 2, layers %s: instruction verbs %s vs general verbs %s"
                                + " (n %s vs %s verbs, p %s, power %s)%n", g.path("layers").asText(), num(g, "instruction_share"),
                        num(g, "general_share"), num(g, "instruction_verbs"), num(g, "general_verbs"), num(g, "p_value"),
                        num(g, "power")));
            }
            StringBuilder tasks = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = ffn.path("task_shares").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tasks.append(String.format(Locale.ROOT, " %s %s->%s", e.getKey(), num(e.getValue(), "base"),
                        num(e.getValue(), "tuned")));
            }
            s.append("finding 3, task shares (base->tuned):").append(tasks).append(System.lineSeparator());
            JsonNode power = ffn.path("power");
            if (power.has("per_task")) {
                StringBuilder pw = new StringBuilder();
                power.path("per_task").fields().forEachRemaining(e -> pw.append(' ').append(e.getKey()).append(' ')
                        .append(num(power.path("per_task"), e.getKey())));
                s.append(String.format(Locale.ROOT, "finding 3, power for a %s change (n %s vs %s explainable concepts):%s%n",
                        num(power, "share_change"), num(power, "explainable_base"), num(power, "explainable_tuned"), pw));
            }
            s.append(String.format(Locale.ROOT, "finding 3, mean principal angle of the top %s components: %s deg%n",
                    num(ffn, "components_per_layer"), num(ffn, "mean_principal_angle_deg")));
            return s.toString();
        }

        /**
         * One self-contained HTML page: the table, the three-panel chart and the notebooks' main figures
         * found in {@code figures}, all images inlined as PNG data.
         */
        public String page(BufferedImage chart, Path figures) {
            StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\">"
                    + "<title>instruct-shift summary</title><style>body{font-family:sans-serif;max-width:1600px;"
                    + "margin:2em auto} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:3px 8px;"
                    + "text-align:left} img{max-width:100%}</style></head><body>\n");
            h.append("<h1>What instruction tuning changed: ").append(Figures.escape(pair.path("base").path("name").asText()))
                    .append(" &rarr; ").append(Figures.escape(pair.path("tuned").path("name").asText())).append("</h1>\n");
            h.append("<img alt=\"the three findings\" src=\"data:image/png;base64,").append(png(chart)).append("\">\n");
            Table t = table();
            h.append("<table><tr>");
            for (String c : t.columnNames()) {
                h.append("<th>").append(Figures.escape(c)).append("</th>");
            }
            h.append("</tr>\n");
            for (int i = 0; i < t.rowCount(); i++) {
                h.append("<tr>");
                for (int c = 0; c < t.columnCount(); c++) {
                    h.append("<td>").append(Figures.escape(t.getString(i, c))).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n<p>").append(Figures.escape(attribution.path("paper_note").asText())).append("</p>\n");
            h.append("<p>FFN labels: ").append(Figures.escape(ffn.path("labeller").asText())).append("</p>\n");
            for (String[] f : MAIN_FIGURES) {
                Path file = figures.resolve(f[0] + ".png");
                if (Files.isRegularFile(file)) {
                    try {
                        h.append("<h2>").append(Figures.escape(f[1])).append("</h2><img alt=\"").append(f[0])
                                .append("\" src=\"data:image/png;base64,")
                                .append(Base64.getEncoder().encodeToString(Files.readAllBytes(file))).append("\">\n");
                    } catch (IOException e) {
                        throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
                    }
                }
            }
            return h.append("</body></html>\n").toString();
        }
    }

    /** The figures the summary page shows when they exist: file name and heading. */
    static final String[][] MAIN_FIGURES = {
            {"00_weight_change", "How far tuning moved each matrix"},
            {"01_heatmap", "Finding 1: one prompt's importance density under both models"},
            {"01_instruction_scores", "Finding 1: instruction score, base vs tuned"},
            {"01_paper_table2", "Finding 1: the paper's Table 2 from the authors' attributions"},
            {"02_verb_shares", "Finding 2: heads gaining pairs with instruction vs general verbs"},
            {"02_head_changes", "Finding 2: how far tuning moved each head"},
            {"03_task_shares", "Finding 3: FFN concepts by task"},
            {"03_levels_by_group", "Finding 3: FFN concepts by linguistic level and layer group"},
            {"03_rotation", "Finding 3: rotation of the top FFN components"}};

    static String png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new ReportException("cannot encode a PNG: " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** Reads the four JSON files from the figures folder; a missing one names the notebook that writes it. */
    public static Summary collect(Path figures) {
        return new Summary(read(figures, PAIR, "00-models"), read(figures, ATTRIBUTION, "01-attribution"),
                read(figures, HEADS, "02-attention-heads"), read(figures, FFN, "03-ffn-concepts"));
    }

    private static JsonNode read(Path figures, String name, String notebook) {
        Path file = figures.resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new ReportException(file + " is missing: run notebooks/" + notebook + ".ipynb first (it writes it;"
                    + " bash environment/run-all runs the whole suite in order)");
        }
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes summary.json, summary.txt, summary.png/svg and summary.html; returns the chart image. */
    public static BufferedImage write(Summary summary, Figures figures) {
        figures.json("summary", summary.json());
        figures.file("summary.txt", summary.text().getBytes(StandardCharsets.UTF_8));
        figures.csv("summary", summary.table());
        Drawing chart = summary.chart();
        BufferedImage image = figures.save("summary", chart);
        figures.file("summary.html", summary.page(image, figures.dir()).getBytes(StandardCharsets.UTF_8));
        return image;
    }
}
