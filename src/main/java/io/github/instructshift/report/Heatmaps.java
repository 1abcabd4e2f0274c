package io.github.instructshift.report;

import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.heads.HeadChange;
import io.github.instructshift.heads.HeadsReport;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Heat maps as {@link Drawing}s (PNG and SVG from one painter): a prompt's tokens shaded by importance
 * density (the picture of the paper's Figure 1, here for several models one under the other), the
 * levels matrix of one attribution (prompt tokens × response tokens) and the layer × head grid of how
 * far tuning moved each head.
 */
public final class Heatmaps {
    static final Font TEXT = new Font(Font.MONOSPACED, Font.PLAIN, 13);
    static final Font SMALL = new Font(Font.MONOSPACED, Font.PLAIN, 11);
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Color INSTRUCTION = new Color(30, 90, 200);
    private static final String NEWLINE = "<0x0A>";

    private Heatmaps() {}

    /** White → red by {@code a} in [0, 1] (the shading of {@link AttributionResult#toHtml}). */
    static Color red(double a) {
        double x = Double.isFinite(a) ? Math.max(0, Math.min(1, a)) : 0;
        return new Color((int) Math.round(255 - x * 35), (int) Math.round(255 - x * 215), (int) Math.round(255 - x * 215));
    }

    /** White → purple by {@code a} in [0, 1]. */
    static Color purple(double a) {
        double x = Double.isFinite(a) ? Math.max(0, Math.min(1, a)) : 0;
        return new Color((int) Math.round(255 - x * 135), (int) Math.round(255 - x * 200), (int) Math.round(255 - x * 75));
    }

    /** How a token reads: the word marker as a space, byte pieces as they are. */
    static String display(String token) {
        return token.replace('\u2581', ' ').replace('\u0120', ' ');
    }

    private static FontMetrics metrics(Font font) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    private record Placed(String text, int x, int y, int w, double density, boolean instruction) {}

    private record Block(String title, int top, List<Placed> tokens) {}

    /**
     * The prompt tokens of each result shaded by importance density (0..1, dark red = most important)
     * and underlined in blue where they are instruction, one block per result, wrapped at {@code width}.
     */
    public static Drawing densities(int width, AttributionResult... results) {
        if (results.length == 0) {
            throw new ReportException("no attribution result to draw");
        }
        FontMetrics fm = metrics(TEXT);
        int line = fm.getHeight() + 6;
        int margin = 12;
        List<Block> blocks = new ArrayList<>();
        int y = margin;
        for (AttributionResult r : results) {
            String title = String.format(Locale.ROOT, "%s (%s): instruction score %.4f, %d response tokens",
                    r.model(), r.role() == null ? "?" : r.role().label(), r.score(), r.responseTokens().size());
            int top = y;
            y += line + 4;
            int x = margin;
            List<Placed> placed = new ArrayList<>();
            for (int n = 0; n < r.promptTokens().size(); n++) {
                String token = r.promptTokens().get(n);
                boolean newline = isNewline(token);
                String text = token.equals(NEWLINE) ? "\u21b5" : display(token).replace("\n", "\u21b5").replace("\u010a", "\u21b5");
                int w = Math.max(fm.stringWidth(text), 4);
                if (x + w > width - margin && x > margin) {
                    x = margin;
                    y += line;
                }
                placed.add(new Placed(text, x, y, w, r.densities()[n], r.instructionMask()[n]));
                x += w;
                if (newline) {
                    x = margin;
                    y += line;
                }
            }
            y += line + 10;
            blocks.add(new Block(title, top, placed));
        }
        int legendTop = y;
        int height = legendTop + line + margin;
        return new Drawing(width, height, g -> {
            for (Block b : blocks) {
                g.setFont(TITLE);
                g.setColor(Color.BLACK);
                g.drawString(b.title(), margin, b.top() + line - 6);
                g.setFont(TEXT);
                for (Placed p : b.tokens()) {
                    g.setColor(red(p.density()));
                    g.fillRect(p.x(), p.y(), p.w(), line - 2);
                    g.setColor(Color.BLACK);
                    g.drawString(p.text(), p.x(), p.y() + fm.getAscent() + 2);
                    if (p.instruction()) {
                        g.setColor(INSTRUCTION);
                        g.setStroke(new BasicStroke(2f));
                        g.drawLine(p.x(), p.y() + line - 2, p.x() + p.w(), p.y() + line - 2);
                    }
                }
            }
            legend(g, margin, legendTop, line, "importance density", "instruction tokens underlined in blue");
        });
    }

    private static void legend(Graphics2D g, int x, int top, int line, String what, String note) {
        g.setFont(SMALL);
        for (int i = 0; i <= 10; i++) {
            g.setColor(red(i / 10.0));
            g.fillRect(x + i * 18, top, 18, line - 6);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x, top, 11 * 18, line - 6);
        g.drawString("0 .. 1  " + what + (note == null ? "" : ";  " + note), x + 11 * 18 + 10, top + line - 10);
    }

    /**
     * The levels (0..10, per response token, no threshold) of one attribution: a row per prompt token,
     * a column per response token; instruction rows are marked in blue. At most {@code maxRows} rows
     * (the rest is said to be left out).
     */
    public static Drawing levels(AttributionResult r, int maxRows) {
        FontMetrics fm = metrics(SMALL);
        int rows = Math.min(r.promptTokens().size(), maxRows);
        int cols = r.responseTokens().size();
        int cell = 16;
        int margin = 12;
        int labelW = 20;
        for (int n = 0; n < rows; n++) {
            labelW = Math.max(labelW, fm.stringWidth(label(r.promptTokens().get(n))) + 14);
        }
        int headerH = 20;
        for (String t : r.responseTokens()) {
            headerH = Math.max(headerH, fm.stringWidth(label(t)) + 8);
        }
        int titleH = 24;
        int left = margin + labelW;
        int top = margin + titleH + headerH;
        int width = Math.max(left + cols * cell + margin, 640);
        int height = top + rows * cell + 40;
        String title = String.format(Locale.ROOT, "%s (%s): attribution levels of %s", r.model(),
                r.role() == null ? "?" : r.role().label(), r.id());
        String omitted = rows < r.promptTokens().size()
                ? " (first " + rows + " of " + r.promptTokens().size() + " prompt tokens)" : "";
        return new Drawing(width, height, g -> {
            g.setFont(TITLE);
            g.setColor(Color.BLACK);
            g.drawString(title + omitted, margin, margin + 14);
            g.setFont(SMALL);
            for (int c = 0; c < cols; c++) {
                AffineTransform saved = g.getTransform();
                g.translate(left + c * cell + cell / 2.0 + 4, top - 4);
                g.rotate(-Math.PI / 2);
                g.setColor(Color.BLACK);
                g.drawString(label(r.responseTokens().get(c)), 0, 0);
                g.setTransform(saved);
            }
            for (int n = 0; n < rows; n++) {
                int y = top + n * cell;
                if (r.instructionMask()[n]) {
                    g.setColor(INSTRUCTION);
                    g.fillRect(margin, y + 2, 4, cell - 4);
                }
                g.setColor(r.instructionMask()[n] ? INSTRUCTION : Color.BLACK);
                g.drawString(label(r.promptTokens().get(n)), margin + 8, y + cell - 4);
                for (int c = 0; c < cols; c++) {
                    g.setColor(red(r.levels()[n][c] / 10.0));
                    g.fillRect(left + c * cell, y, cell, cell);
                }
            }
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(left, top, cols * cell, rows * cell);
            legend(g, margin, top + rows * cell + 12, 22, "level / 10 (row: prompt token, column: answer token)", null);
        });
    }

    private static String label(String token) {
        String text = token.equals(NEWLINE) ? "\u21b5" : display(token).replace("\n", "\u21b5").replace("\u010a", "\u21b5");
        return text.strip().isEmpty() ? "\u2423" : text;
    }

    /** A line break: sentencepiece's byte piece, a literal newline, or byte-level BPE's {@code Ċ}. */
    static boolean isNewline(String token) {
        return token.equals(NEWLINE) || token.contains("\n") || token.equals("\u010a");
    }

    /**
     * Layer × head grid of ‖ΔW_Q W_Kᵀ‖ / ‖W_Q W_Kᵀ‖ (darker = moved more by tuning), with the values
     * printed when the cells are large enough, the colour running from the least to the most moved head.
     */
    public static Drawing headChanges(HeadsReport report) {
        List<HeadChange> changes = report.changes();
        int layers = changes.stream().mapToInt(HeadChange::layer).max().orElse(-1) + 1;
        int heads = changes.stream().mapToInt(HeadChange::head).max().orElse(-1) + 1;
        if (layers == 0) {
            throw new ReportException("the head report has no heads");
        }
        double[][] v = new double[layers][heads];
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (HeadChange c : changes) {
            v[c.layer()][c.head()] = c.relative();
            if (Double.isFinite(c.relative())) {
                max = Math.max(max, c.relative());
                min = Math.min(min, c.relative());
            }
        }
        if (min > max) {
            min = 0;
            max = 0;
        }
        int cell = Math.max(18, Math.min(56, 900 / Math.max(heads, 1)));
        int margin = 12;
        int left = margin + 70;
        int top = margin + 44;
        int width = Math.max(left + heads * cell + margin, 560);
        int height = top + layers * cell + 36;
        double lo = min;
        double span = max - min;
        double hi = max;
        boolean values = cell >= 40;
        return new Drawing(width, height, g -> {
            g.setFont(TITLE);
            g.setColor(Color.BLACK);
            g.drawString("relative change of each head's W_Q W_K^T under tuning", margin, margin + 14);
            g.setFont(SMALL);
            for (int h = 0; h < heads; h++) {
                if (heads <= 32 || h % 4 == 0) {
                    g.drawString(Integer.toString(h), left + h * cell + 2, top - 6);
                }
            }
            g.drawString("head", margin, top - 6);
            for (int l = 0; l < layers; l++) {
                int y = top + l * cell;
                g.setColor(Color.BLACK);
                g.drawString("layer " + l, margin, y + cell / 2 + 4);
                for (int h = 0; h < heads; h++) {
                    double x = span > 0 ? 0.1 + 0.9 * (v[l][h] - lo) / span : 0.5;
                    g.setColor(purple(x));
                    g.fillRect(left + h * cell, y, cell, cell);
                    if (values) {
                        g.setColor(x > 0.6 ? Color.WHITE : Color.BLACK);
                        g.drawString(String.format(Locale.ROOT, "%.3f", v[l][h]), left + h * cell + 3, y + cell / 2 + 4);
                    }
                }
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "lightest = %.4g (least moved head), darkest = %.4g (most moved)", lo, hi),
                    margin, top + layers * cell + 20);
        });
    }
}
