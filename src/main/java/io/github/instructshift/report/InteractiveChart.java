package io.github.instructshift.report;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

/**
 * A chart's PNG that is also its interactive plotly version: the image itself (so a kernel shows
 * {@code image/png}, and export keeps it) with a public {@link #toHtml()} (so a kernel that offers both
 * sends {@code text/html} beside it). The HTML holds the PNG as an {@code <img>} that its script replaces
 * with the plotly chart, so an untrusted notebook (scripts off) still shows the picture. plotly.js itself
 * (about 1.4 MB) is inlined only in the first interactive chart of a {@link Figures}, i.e. once per
 * notebook; later charts wait for {@code window.Plotly}.
 */
public final class InteractiveChart extends BufferedImage {
    private final String html;

    /**
     * @param image      the PNG version (its pixels are shared, not copied)
     * @param id         a JavaScript identifier unique within the notebook (also the element ids)
     * @param plotCall   tablesaw-jsplot's {@code asJavascript(id)} script body for the same chart
     * @param plotlyJs   plotly.js to inline, or null when an earlier output of the notebook carries it
     */
    InteractiveChart(BufferedImage image, String id, String plotCall, String plotlyJs) {
        super(image.getColorModel(), image.getRaster(), image.isAlphaPremultiplied(), null);
        if (!id.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("chart id '" + id + "' is not a JavaScript identifier");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<div id=\"").append(id).append("\"><img id=\"").append(id).append("_png\" alt=\"chart\" src=\"data:image/png;base64,")
                .append(base64Png(image)).append("\"></div>\n");
        if (plotlyJs != null) {
            // define/module/exports shadowed so the UMD bundle sets window.Plotly even where RequireJS is loaded
            sb.append("<!-- ").append(PlotlyJs.PACKAGE).append('@').append(PlotlyJs.VERSION).append(" (MIT licence) -->\n")
                    .append("<script>(function (define, module, exports) {\n")
                    .append(plotlyJs.replace("</script", "<\\/script")).append("\n}).call(window);</script>\n");
        }
        sb.append("<script>(function draw(tries) {\n")
                .append("  if (!window.Plotly) { if (tries > 0) setTimeout(function () { draw(tries - 1); }, 100); return; }\n")
                .append("  var png = document.getElementById('").append(id).append("_png'); if (png) png.remove();\n")
                .append(scriptBody(plotCall)).append("\n})(100);</script>\n");
        this.html = sb.toString();
    }

    /** The interactive chart (text/html): a PNG {@code <img>} replaced by the plotly chart when scripts run. */
    public String toHtml() {
        return html;
    }

    /** The body of a {@code <script>…</script>} element. */
    static String scriptBody(String script) {
        return script.strip().replaceFirst("^<script>", "").replaceFirst("</script>$", "").strip();
    }

    private static String base64Png(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new ReportException("cannot encode the chart as PNG: " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
