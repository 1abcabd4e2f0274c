package io.github.instructshift.report;

import tech.tablesaw.plotly.components.HoverLabel;
import tech.tablesaw.plotly.traces.Trace;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A tablesaw-jsplot trace with symmetric vertical error bars ({@code error_y}), which tablesaw-jsplot's
 * own traces cannot carry: the interactive version of an XChart series with error bars.
 *
 * @param trace  the bars or points
 * @param errors one half-width per point, in the trace's order
 */
record ErrorBarTrace(Trace trace, double[] errors) implements Trace {
    @Override
    public String asJavascript(int i) {
        String js = trace.asJavascript(i);
        int end = js.lastIndexOf('}');
        if (end < 0) {
            throw new ReportException("trace " + trace.name() + " has no object to add error bars to");
        }
        String array = Arrays.stream(errors).mapToObj(e -> Double.isFinite(e) ? Double.toString(e) : "0")
                .collect(Collectors.joining(", ", "[", "]"));
        return js.substring(0, end) + "error_y: {type: 'data', array: " + array + ", visible: true},\n" + js.substring(end);
    }

    @Override
    public String name() {
        return trace.name();
    }

    @Override
    public HoverLabel hoverLabel() {
        return trace.hoverLabel();
    }

    @Override
    public boolean showLegend() {
        return trace.showLegend();
    }
}
