package io.github.instructshift.report;

import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.ffn.ConceptShares;
import io.github.instructshift.ffn.SubspaceRotation;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.traces.Trace;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each chart's PNG (XChart) and HTML (plotly) versions show the same series, error bars and layer ticks. */
class ChartsTest {

    /** Series name → whether it has error bars, as XChart draws it. */
    private static Map<String, Boolean> pngSeries(Chart<?, ?> chart) {
        Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ? extends Series> e : chart.getSeriesMap().entrySet()) {
            boolean errors = e.getValue() instanceof CategorySeries c && c.getExtraValues() != null;
            out.put(e.getKey(), errors);
        }
        return out;
    }

    /** Trace name → whether it has error bars, as plotly draws it. */
    private static Map<String, Boolean> htmlSeries(Figure figure) {
        Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        Trace[] traces = figure.getTraces();
        for (int i = 0; i < traces.length; i++) {
            out.put(traces[i].name(), traces[i].asJavascript(i).contains("error_y"));
        }
        return out;
    }

    private static void assertSame(Chart<?, ?> png, Figure html) {
        assertEquals(pngSeries(png), htmlSeries(html), "series and error bars of the PNG and the HTML");
    }

    private static void assertWholeLayerTicks(Figure html) {
        String js = html.asJavascript("d").replace(" ", "");
        assertTrue(js.contains("dtick:1") || js.contains("dtick:'1'") || js.contains("\"dtick\":1"), js);
    }

    @Test
    void scoreBarsHaveTheSameGroupsWithErrorBarsInBoth() {
        List<InstructionTables.Row> rows = List.of(new InstructionTables.Row("lima", "base", 10, 0.5, 0.1, 0.01),
                new InstructionTables.Row("lima", "tuned", 10, 0.7, 0.2, 0.01),
                new InstructionTables.Row("mt", "base", 10, 0.4, 0.1, 0.2), new InstructionTables.Row("mt", "tuned", 10, 0.6, 0.1, 0.2));
        assertSame(Charts.scoreBars("t", rows), Charts.scoreBarsHtml("t", rows));
        assertTrue(pngSeries(Charts.scoreBars("t", rows)).values().stream().allMatch(b -> b), "the PNG has error bars");
    }

    @Test
    void taskSharesHaveErrorBarsInBoth() {
        List<ConceptShares.Comparison> shares = List.of(
                new ConceptShares.Comparison("task", "writing", 3, 0.2, 0.05, 0.3, 0.04, 2.0, 0.1),
                new ConceptShares.Comparison("task", "coding", 3, 0.1, 0.02, 0.2, 0.03, 1.0, 0.3),
                new ConceptShares.Comparison("level", "word", 3, 0.1, 0.02, 0.2, 0.03, 1.0, 0.3));
        assertSame(Charts.taskShares(shares), Charts.taskSharesHtml(shares));
    }

    @Test
    void theRotationChartHasTheSameFourSeriesAndWholeLayerTicks() {
        List<SubspaceRotation.LayerRotation> layers = List.of(
                new SubspaceRotation.LayerRotation(0, new double[] {10, 20}, List.of(new SubspaceRotation.Pair(0, 1, 0.9, List.of("a"), List.of(), 3))),
                new SubspaceRotation.LayerRotation(1, new double[] {15, 40}, List.of(new SubspaceRotation.Pair(0, 0, 0.8, List.of(), List.of("b"), 2))));
        assertSame(Charts.rotation(layers), Charts.rotationHtml(layers));
        assertEquals(4, Charts.rotationHtml(layers).getTraces().length);
        assertWholeLayerTicks(Charts.rotationHtml(layers));
    }

    @Test
    void theWeightChangeChartHasOneSeriesPerRoleAndWholeLayerTicks() {
        Table t = Table.create("w", IntColumn.create("layer", 0, 0, 1, 1), StringColumn.create("role", "q", "k", "q", "k"),
                DoubleColumn.create("relative_change", 0.1, 0.2, 0.15, Double.NaN));
        assertSame(Charts.weightChange(t), Charts.weightChangeHtml(t));
        assertEquals(List.of("q", "k"), Arrays.stream(Charts.weightChangeHtml(t).getTraces()).map(Trace::name).toList());
        assertWholeLayerTicks(Charts.weightChangeHtml(t));
    }
}
