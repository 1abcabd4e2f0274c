package io.github.instructshift.report;

import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.ffn.ConceptShares;
import io.github.instructshift.ffn.LinguisticLevel;
import io.github.instructshift.ffn.SubspaceRotation;
import io.github.instructshift.heads.HeadChange;
import io.github.instructshift.heads.HeadsReport;
import io.github.instructshift.heads.VerbShift;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.TickSettings;
import tech.tablesaw.plotly.traces.BarTrace;
import tech.tablesaw.plotly.traces.HeatmapTrace;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The notebooks' charts, each as an XChart chart (PNG/SVG) and, for the main ones, a tablesaw-jsplot
 * figure (interactive HTML) drawn from the same numbers. Base is blue and tuned orange throughout.
 * Undefined values (NaN) are left out of a chart rather than drawn as zero.
 */
public final class Charts {
    public static final Color BASE = new Color(66, 110, 170);
    public static final Color TUNED = new Color(230, 130, 40);
    private static final Color[] PALETTE = {BASE, TUNED, new Color(90, 160, 90), new Color(170, 70, 140),
            new Color(120, 120, 120), new Color(200, 180, 50), new Color(60, 170, 180)};

    private Charts() {}

    private static CategoryChart bars(String title, String x, String y, int width, int height) {
        CategoryChart c = new CategoryChartBuilder().width(width).height(height).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setSeriesColors(PALETTE);
        c.getStyler().setAvailableSpaceFill(0.7);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("0.###");
        return c;
    }

    private static Double orNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double orZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    // ---------------------------------------------------------------- Finding 1

    /**
     * Mean instruction score per prompt set for each group of the rows (base/tuned, or
     * followed/not-followed), with the standard deviation as error bars.
     */
    public static CategoryChart scoreBars(String title, List<InstructionTables.Row> rows) {
        CategoryChart c = bars(title, "prompt set", "instruction score (mean ± std)", 760, 430);
        for (Map.Entry<String, List<InstructionTables.Row>> g : byGroup(rows).entrySet()) {
            c.addSeries(g.getKey(), g.getValue().stream().map(InstructionTables.Row::set).toList(),
                    g.getValue().stream().map(r -> orZero(r.mean())).toList(),
                    g.getValue().stream().map(r -> orZero(r.std())).toList());
        }
        return c;
    }

    /** The interactive version of {@link #scoreBars}. */
    public static Figure scoreBarsHtml(String title, List<InstructionTables.Row> rows) {
        List<Trace> traces = new ArrayList<>();
        for (Map.Entry<String, List<InstructionTables.Row>> g : byGroup(rows).entrySet()) {
            traces.add(new ErrorBarTrace(BarTrace.builder(g.getValue().stream().map(InstructionTables.Row::set).toArray(),
                    g.getValue().stream().mapToDouble(r -> orZero(r.mean())).toArray()).name(g.getKey()).build(),
                    g.getValue().stream().mapToDouble(r -> orZero(r.std())).toArray()));
        }
        return new Figure(layout(title, "prompt set", "instruction score (mean ± std)"), traces.toArray(new Trace[0]));
    }

    private static Map<String, List<InstructionTables.Row>> byGroup(List<InstructionTables.Row> rows) {
        Map<String, List<InstructionTables.Row>> out = new LinkedHashMap<>();
        for (InstructionTables.Row r : rows) {
            out.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private static Layout layout(String title, String x, String y) {
        return Layout.builder().title(title).barMode(Layout.BarMode.GROUP).height(480).width(860)
                .xAxis(Axis.builder().title(x).build()).yAxis(Axis.builder().title(y).build()).build();
    }

    // ---------------------------------------------------------------- Finding 2

    private static List<String> groupLabels(List<VerbShift.GroupShare> groups) {
        return groups.stream().map(g -> "layers " + g.firstLayer() + "-" + g.lastLayer()).toList();
    }

    /** Per layer group: share of heads gaining pairs, instruction verbs against general verbs. */
    public static CategoryChart verbShares(HeadsReport report) {
        CategoryChart c = bars("heads where tuning added pairs with the verb", "layer group",
                "share of heads (mean over verbs)", 760, 430);
        c.getStyler().setSeriesColors(new Color[] {TUNED, new Color(120, 120, 120)});
        c.getStyler().setYAxisMax(1.0);
        List<String> x = groupLabels(report.groups());
        c.addSeries("instruction verbs", x, report.groups().stream().map(g -> orNull(g.instructionShare())).toList());
        c.addSeries("general verbs", x, report.groups().stream().map(g -> orNull(g.generalShare())).toList());
        return c;
    }

    public static Figure verbSharesHtml(HeadsReport report) {
        Object[] x = groupLabels(report.groups()).toArray();
        return new Figure(layout("heads where tuning added pairs with the verb", "layer group", "share of heads"),
                BarTrace.builder(x, report.groups().stream().mapToDouble(g -> orZero(g.instructionShare())).toArray())
                        .name("instruction verbs").build(),
                BarTrace.builder(x, report.groups().stream().mapToDouble(g -> orZero(g.generalShare())).toArray())
                        .name("general verbs").build());
    }

    /** The layer × head grid of relative change as an interactive heat map. */
    public static Figure headChangesHtml(HeadsReport report) {
        int layers = report.changes().stream().mapToInt(HeadChange::layer).max().orElse(-1) + 1;
        int heads = report.changes().stream().mapToInt(HeadChange::head).max().orElse(-1) + 1;
        double[][] z = new double[layers][heads];
        for (HeadChange h : report.changes()) {
            z[h.layer()][h.head()] = orZero(h.relative());
        }
        Object[] x = new Object[heads];
        for (int h = 0; h < heads; h++) {
            x[h] = "head " + h;
        }
        Object[] y = new Object[layers];
        for (int l = 0; l < layers; l++) {
            y[l] = "layer " + l;
        }
        Layout layout = Layout.builder().title("relative change of W_Q W_K^T under tuning").height(520).width(860).build();
        return new Figure(layout, HeatmapTrace.builder(x, y, z).build());
    }

    // ---------------------------------------------------------------- Finding 3

    /** Share of explainable concepts per task (and the explainable share itself), base vs tuned. */
    public static CategoryChart taskShares(List<ConceptShares.Comparison> shares) {
        CategoryChart c = bars("FFN concepts by task (offline labeller)", "task", "share (mean ± std over runs)", 760, 430);
        List<ConceptShares.Comparison> rows = shares.stream().filter(s -> !s.kind().equals("level")).toList();
        List<String> x = rows.stream().map(ConceptShares.Comparison::category).toList();
        c.addSeries("base", x, rows.stream().map(s -> orZero(s.baseMean())).toList(),
                rows.stream().map(s -> orZero(s.baseStd())).toList());
        c.addSeries("tuned", x, rows.stream().map(s -> orZero(s.tunedMean())).toList(),
                rows.stream().map(s -> orZero(s.tunedStd())).toList());
        return c;
    }

    public static Figure taskSharesHtml(List<ConceptShares.Comparison> shares) {
        List<ConceptShares.Comparison> rows = shares.stream().filter(s -> !s.kind().equals("level")).toList();
        Object[] x = rows.stream().map(ConceptShares.Comparison::category).toArray();
        return new Figure(layout("FFN concepts by task (offline labeller)", "task", "share (mean ± std over runs)"),
                new ErrorBarTrace(BarTrace.builder(x, rows.stream().mapToDouble(s -> orZero(s.baseMean())).toArray())
                        .name("base").build(), rows.stream().mapToDouble(s -> orZero(s.baseStd())).toArray()),
                new ErrorBarTrace(BarTrace.builder(x, rows.stream().mapToDouble(s -> orZero(s.tunedMean())).toArray())
                        .name("tuned").build(), rows.stream().mapToDouble(s -> orZero(s.tunedStd())).toArray()));
    }

    /** Linguistic-level shares per layer group, stacked, base and tuned bars next to each other. */
    public static CategoryChart levelsByGroup(List<ConceptShares.GroupShare> groups) {
        CategoryChart c = bars("FFN concepts by linguistic level and layer group", "model, layers",
                "share of explainable concepts", 760, 430);
        c.getStyler().setStacked(true);
        c.getStyler().setSeriesColors(new Color[] {new Color(90, 160, 90), new Color(60, 170, 180), BASE,
                new Color(170, 70, 140)});
        LinkedHashSet<String> xs = new LinkedHashSet<>();
        for (ConceptShares.GroupShare g : groups) {
            xs.add(label(g));
        }
        List<String> x = new ArrayList<>(xs);
        for (LinguisticLevel level : LinguisticLevel.values()) {
            Map<String, Double> v = new LinkedHashMap<>();
            for (ConceptShares.GroupShare g : groups) {
                if (g.level() == level) {
                    v.put(label(g), orZero(g.mean()));
                }
            }
            c.addSeries(level.text(), x, x.stream().map(k -> v.getOrDefault(k, 0.0)).toList());
        }
        return c;
    }

    private static String label(ConceptShares.GroupShare g) {
        return g.model() + " " + g.firstLayer() + "-" + g.lastLayer();
    }

    /** Per layer: mean principal angle between the base and tuned top-R subspaces, and the matched |cos|. */
    public static XYChart rotation(List<SubspaceRotation.LayerRotation> layers) {
        XYChart c = new XYChartBuilder().width(760).height(430).title("rotation of the top FFN components under tuning")
                .xAxisTitle("layer").yAxisTitle("degrees").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        c.setYAxisGroupTitle(1, "|cos|, overlap");
        c.getStyler().setYAxisDecimalPattern("0.##");
        integerLayers(c);
        double[] x = layers.stream().mapToDouble(SubspaceRotation.LayerRotation::layer).toArray();
        XYSeries mean = c.addSeries("mean principal angle", x,
                layers.stream().mapToDouble(r -> orZero(r.meanAngle())).toArray());
        mean.setMarker(SeriesMarkers.CIRCLE);
        mean.setLineColor(TUNED);
        mean.setMarkerColor(TUNED);
        XYSeries max = c.addSeries("largest principal angle", x,
                layers.stream().mapToDouble(r -> orZero(r.maxAngle())).toArray());
        max.setMarker(SeriesMarkers.DIAMOND);
        max.setLineColor(new Color(200, 80, 60));
        max.setMarkerColor(new Color(200, 80, 60));
        XYSeries cos = c.addSeries("matched |cos|", x,
                layers.stream().mapToDouble(r -> orZero(r.meanMatchedCosine())).toArray());
        cos.setYAxisGroup(1);
        cos.setMarker(SeriesMarkers.SQUARE);
        cos.setLineColor(BASE);
        cos.setMarkerColor(BASE);
        XYSeries overlap = c.addSeries("top-word overlap", x,
                layers.stream().mapToDouble(r -> orZero(r.meanWordOverlap())).toArray());
        overlap.setYAxisGroup(1);
        overlap.setMarker(SeriesMarkers.TRIANGLE_UP);
        overlap.setLineColor(new Color(90, 160, 90));
        overlap.setMarkerColor(new Color(90, 160, 90));
        return c;
    }

    /** The interactive version of {@link #rotation}: the same four series, |cos| and overlap on a right axis. */
    public static Figure rotationHtml(List<SubspaceRotation.LayerRotation> layers) {
        double[] x = layers.stream().mapToDouble(SubspaceRotation.LayerRotation::layer).toArray();
        Layout layout = Layout.builder().title("rotation of the top FFN components under tuning").height(480).width(860)
                .xAxis(layerAxis()).yAxis(Axis.builder().title("degrees").build())
                .yAxis2(Axis.builder().title("|cos|, overlap").overlaying(ScatterTrace.YAxis.Y).side(Axis.Side.right).build())
                .build();
        return new Figure(layout,
                ScatterTrace.builder(x, layers.stream().mapToDouble(r -> orZero(r.meanAngle())).toArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("mean principal angle").build(),
                ScatterTrace.builder(x, layers.stream().mapToDouble(r -> orZero(r.maxAngle())).toArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("largest principal angle").build(),
                ScatterTrace.builder(x, layers.stream().mapToDouble(r -> orZero(r.meanMatchedCosine())).toArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("matched |cos|").yAxis(ScatterTrace.YAxis.Y2).build(),
                ScatterTrace.builder(x, layers.stream().mapToDouble(r -> orZero(r.meanWordOverlap())).toArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("top-word overlap").yAxis(ScatterTrace.YAxis.Y2).build());
    }

    /** A layer axis ticked at whole layers only (plotly would otherwise tick 0.5, 1.5, …). */
    private static Axis layerAxis() {
        return Axis.builder().title("layer").tickSettings(TickSettings.builder().tickMode(TickSettings.TickMode.LINEAR)
                .tick0(0).dTick(1).build()).build();
    }

    /** XChart's layer axis labelled at whole layers only. */
    private static void integerLayers(XYChart c) {
        c.setCustomXAxisTickLabelsFormatter(v -> v == Math.rint(v) ? Long.toString(Math.round(v)) : "");
    }

    // ---------------------------------------------------------------- the pair

    /** Relative weight change per layer, one line per matrix role (from {@link WeightChange#table}). */
    public static XYChart weightChange(Table t) {
        XYChart c = new XYChartBuilder().width(760).height(430).title("how far tuning moved each matrix")
                .xAxisTitle("layer").yAxisTitle("||W_tuned - W_base|| / ||W_base||").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setSeriesColors(PALETTE);
        c.getStyler().setYAxisDecimalPattern("0.####");
        integerLayers(c);
        for (Map.Entry<String, double[][]> e : byRole(t).entrySet()) {
            c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    public static Figure weightChangeHtml(Table t) {
        List<Trace> traces = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : byRole(t).entrySet()) {
            traces.add(ScatterTrace.builder(e.getValue()[0], e.getValue()[1]).mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                    .name(e.getKey()).build());
        }
        Layout layout = Layout.builder().title("how far tuning moved each matrix").height(480).width(860)
                .xAxis(layerAxis()).yAxis(Axis.builder().title("||W_tuned - W_base|| / ||W_base||").build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    private static Map<String, double[][]> byRole(Table t) {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (int i = 0; i < t.rowCount(); i++) {
            double v = t.doubleColumn("relative_change").getDouble(i);   // NaN when missing (get would be null)
            points.computeIfAbsent(t.stringColumn("role").get(i), k -> new ArrayList<>())
                    .add(new double[] {t.intColumn("layer").get(i), Double.isFinite(v) ? v : 0});
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        points.forEach((role, p) -> out.put(role, new double[][] {p.stream().mapToDouble(a -> a[0]).toArray(),
                p.stream().mapToDouble(a -> a[1]).toArray()}));
        return out;
    }

    // ---------------------------------------------------------------- layout

    /** Charts side by side in one drawing, each at its own size, top-aligned. */
    public static Drawing row(List<? extends Chart<?, ?>> charts) {
        int width = charts.stream().mapToInt(Chart::getWidth).sum();
        int height = charts.stream().mapToInt(Chart::getHeight).max().orElse(1);
        return new Drawing(width, height, g -> {
            int x = 0;
            for (Chart<?, ?> c : charts) {
                java.awt.Graphics2D sub = (java.awt.Graphics2D) g.create(x, 0, c.getWidth(), c.getHeight());
                try {
                    c.paint(sub, c.getWidth(), c.getHeight());
                } finally {
                    sub.dispose();
                }
                x += c.getWidth();
            }
        });
    }
}
