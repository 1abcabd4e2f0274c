package io.github.instructshift.report;

import de.erichseifert.vectorgraphics2d.Processors;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * A picture painted with Java2D, so that one painter gives both a PNG (a raster image) and an SVG
 * (VectorGraphics2D records the same calls as vector commands). XChart charts are drawings too.
 *
 * @param width   pixels
 * @param height  pixels
 * @param painter paints on a white {@code width × height} canvas
 */
public record Drawing(int width, int height, Consumer<Graphics2D> painter) {

    public Drawing {
        if (width < 1 || height < 1) {
            throw new ReportException("a drawing needs a positive size, got " + width + "x" + height);
        }
    }

    /** An XChart chart at its own size. */
    public static Drawing of(Chart<?, ?> chart) {
        return new Drawing(chart.getWidth(), chart.getHeight(), g -> chart.paint(g, chart.getWidth(), chart.getHeight()));
    }

    /** The raster image: what a notebook cell shows. */
    public BufferedImage image() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            painter.accept(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The SVG document as bytes (UTF-8). */
    public byte[] svg() {
        VectorGraphics2D g = new VectorGraphics2D();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        painter.accept(g);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Processors.get("svg").getDocument(g.getCommands(), new PageSize(0, 0, width, height)).writeTo(out);
        } catch (IOException e) {
            throw new ReportException("cannot write an SVG document: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
