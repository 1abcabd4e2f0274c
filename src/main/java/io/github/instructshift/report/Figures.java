package io.github.instructshift.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Writes a notebook's figures and tables under stable names into one folder ({@code figures/}):
 * a chart or drawing as {@code NAME.png} and {@code NAME.svg}, a table as {@code NAME.csv}, an
 * interactive tablesaw-jsplot figure as a standalone {@code NAME.html} (plotly.js inlined, so it opens
 * offline), small results as {@code NAME.json}. Every file is written through a temporary file and
 * moved into place, so a file is whole or absent. The PNG-writing methods return the image, so a
 * cell ending in {@code figures.save(...)} shows it (as {@code image/png}, here and under IJava).
 */
public final class Figures {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    /** plotly.js for the HTML versions: fetched (and cached) on first use. */
    private final Supplier<String> plotlyJs;
    private final List<Path> written = new ArrayList<>();
    /** Why plotly.js could not be had, once it failed: later charts skip the fetch and say the same. */
    private String noPlotly;
    /** Interactive charts returned so far: the first one carries plotly.js for the notebook. */
    private int interactiveCharts;

    /**
     * @param dir      where the files go (created when missing)
     * @param npmCache where the plotly.js tarball is kept ({@code data/cache/npm})
     */
    public Figures(Path dir, Path npmCache) {
        this(dir, npmCache, "npm");
    }

    /** As {@link #Figures(Path, Path)} with the npm executable to fetch plotly.js with. */
    Figures(Path dir, Path npmCache, String npm) {
        this(dir, () -> PlotlyJs.script(npmCache, npm));
    }

    /** Figures in {@code dir} taking plotly.js from {@code plotlyJs} (which throws ReportException saying why not). */
    Figures(Path dir, Supplier<String> plotlyJs) {
        this.plotlyJs = plotlyJs;
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new ReportException("cannot create the figures folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The folder of the configuration, with the npm cache under the project's {@code data/cache/npm}. */
    public static Figures at(NotebookConfig config) {
        return new Figures(config.figures(), config.root().resolve("data").resolve("cache").resolve("npm"));
    }

    public Path dir() {
        return dir;
    }

    /** Every file written so far, in order. */
    public List<Path> written() {
        return List.copyOf(written);
    }

    /** An XChart chart as {@code NAME.png} and {@code NAME.svg}; returns the image. */
    public BufferedImage save(String name, Chart<?, ?> chart) {
        return save(name, Drawing.of(chart));
    }

    /** A drawing as {@code NAME.png} and {@code NAME.svg}; returns the image. */
    public BufferedImage save(String name, Drawing drawing) {
        BufferedImage image = drawing.image();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new ReportException("cannot encode " + name + ".png: " + e.getMessage(), e);
        }
        write(name, ".png", png.toByteArray());
        write(name, ".svg", drawing.svg());
        return image;
    }

    /**
     * A chart as PNG and SVG plus its interactive version as {@code NAME.html}; returns the image, which
     * is also the interactive chart ({@link InteractiveChart#toHtml()}) for a kernel to show inline. When
     * plotly.js cannot be had (no npm, npm offline) the PNG and SVG are still written and a plain image
     * returned, and one line on standard output says why the HTML is missing, so Run All goes on.
     */
    public BufferedImage save(String name, Chart<?, ?> chart, Figure interactive) {
        BufferedImage image = save(name, chart);
        String plotly;
        try {
            plotly = plotly();
            html(name, interactive);
        } catch (ReportException e) {
            System.out.println(name + ": PNG and SVG written, no interactive " + name + ".html: " + e.getMessage());
            return image;
        }
        String id = "instruct_shift_chart_" + (++interactiveCharts);
        return new InteractiveChart(image, id, interactive.asJavascript(id), interactiveCharts == 1 ? plotly : null);
    }

    /**
     * A table as {@code NAME.csv} at full precision; returns the table, its floating-point columns now
     * displayed to {@link Tables#DIGITS} significant digits ({@link Tables#rounded}), so a cell can end
     * with this call.
     */
    public Table csv(String name, Table table) {
        StringWriter out = new StringWriter();
        table.write().csv(out);   // CsvWriteOptions.usePrintFormatters is off: the file keeps every digit
        write(name, ".csv", out.toString().getBytes(StandardCharsets.UTF_8));
        return Tables.rounded(table);
    }

    /** A jsplot figure as a standalone page {@code NAME.html} with plotly.js inlined. */
    public Path html(String name, Figure figure) {
        return write(name, ".html", page(name, figure, plotly()).getBytes(StandardCharsets.UTF_8));
    }

    private String plotly() {
        if (noPlotly != null) {
            throw new ReportException(noPlotly);
        }
        try {
            return plotlyJs.get();
        } catch (ReportException e) {
            noPlotly = e.getMessage();
            throw e;
        }
    }

    /** Any Jackson-serialisable value (records, maps, lists) as {@code NAME.json}. */
    public Path json(String name, Object value) {
        try {
            return write(name, ".json", JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new ReportException("cannot write " + name + ".json: " + e.getMessage(), e);
        }
    }

    /** Raw bytes as {@code NAME} (its extension included), e.g. a summary page. */
    public Path file(String fileName, byte[] bytes) {
        int dot = fileName.lastIndexOf('.');
        if (dot <= 0) {
            throw new ReportException("file name '" + fileName + "' needs an extension");
        }
        return write(fileName.substring(0, dot), fileName.substring(dot), bytes);
    }

    /** The standalone HTML page of a jsplot figure with {@code script} (plotly.js) inlined. */
    static String page(String title, Figure figure, String script) {
        String div = "plot";
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n<title>" + escape(title)
                + "</title>\n<!-- " + PlotlyJs.PACKAGE + "@" + PlotlyJs.VERSION + " (MIT licence), inlined so the page"
                + " opens offline -->\n<script>\n" + script.replace("</script", "<\\/script") + "\n</script>\n</head>\n"
                + "<body>\n<div id=\"" + div + "\"></div>\n" + figure.asJavascript(div) + "\n</body>\n</html>\n";
    }

    private Path write(String name, String extension, byte[] bytes) {
        if (!NAME.matcher(name).matches()) {
            throw new ReportException("figure name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        Path target = dir.resolve(name + extension);
        try {
            Path tmp = Files.createTempFile(dir, "." + name, extension + ".tmp");
            try {
                Files.write(tmp, bytes);
                try {   // createTempFile makes the file private; an output is an ordinary file
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: its defaults apply
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ReportException("cannot write " + target + ": " + e.getMessage(), e);
        }
        written.add(target);
        return target;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
