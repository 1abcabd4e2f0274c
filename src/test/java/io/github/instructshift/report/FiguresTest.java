package io.github.instructshift.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.w3c.dom.Document;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.traces.BarTrace;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FiguresTest {
    @TempDir
    Path dir;

    private static CategoryChart chart() {
        CategoryChart c = new CategoryChartBuilder().width(300).height(200).title("t").build();
        c.addSeries("base", List.of("a", "b"), List.of(1.0, 2.0));
        return c;
    }

    @Test
    void aChartIsWrittenAsPngAndSvgOfItsSizeAndTheImageIsReturned() throws Exception {
        Figures f = new Figures(dir.resolve("figs"), dir.resolve("npm"));
        BufferedImage shown = f.save("01_chart", chart());
        assertEquals(300, shown.getWidth());
        assertEquals(200, shown.getHeight());
        BufferedImage png = ImageIO.read(dir.resolve("figs/01_chart.png").toFile());
        assertEquals(300, png.getWidth());
        assertEquals(200, png.getHeight());
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);  // offline
        Document svg = xml.newDocumentBuilder().parse(dir.resolve("figs/01_chart.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals("300px", svg.getDocumentElement().getAttribute("width"));
        assertTrue(Files.readString(dir.resolve("figs/01_chart.svg")).contains("<path"), "the chart is vector paths");
        assertEquals(List.of(dir.resolve("figs/01_chart.png"), dir.resolve("figs/01_chart.svg")), f.written());
        try (var files = Files.list(dir.resolve("figs"))) {
            assertEquals(2, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aDrawingPaintsTheSamePictureIntoPngAndSvg() throws Exception {
        Figures f = new Figures(dir, dir.resolve("npm"));
        Drawing d = new Drawing(40, 30, g -> {
            g.setColor(Color.RED);
            g.fillRect(10, 10, 20, 10);
        });
        BufferedImage image = f.save("box", d);
        assertEquals(Color.RED.getRGB(), image.getRGB(15, 15));
        assertEquals(Color.WHITE.getRGB(), image.getRGB(2, 2), "the canvas is white");
        String svg = Files.readString(dir.resolve("box.svg"));
        assertTrue(svg.contains("rgb(255,0,0)") && svg.contains("width=\"20\""), svg);
        assertThrows(ReportException.class, () -> new Drawing(0, 10, g -> { }));
    }

    @Test
    void tablesBecomeCsvAndJsonValuesJson() throws Exception {
        Figures f = new Figures(dir, dir.resolve("npm"));
        Table t = Table.create("t", StringColumn.create("set", "lima", "mt-bench"), DoubleColumn.create("mean", 1.5, 0.25));
        assertEquals(t, f.csv("table", t), "csv returns its table so a cell can end with it");
        assertEquals(List.of("set,mean", "lima,1.5", "mt-bench,0.25"), Files.readAllLines(dir.resolve("table.csv")));
        f.json("numbers", java.util.Map.of("p", 0.5));
        assertTrue(Files.readString(dir.resolve("numbers.json")).contains("\"p\" : 0.5"));
        f.file("page.txt", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals("x", Files.readString(dir.resolve("page.txt")));
    }

    @Test
    void aSavedTableShowsFourSignificantDigitsWhileItsCsvKeepsFullPrecision() throws Exception {
        Figures f = new Figures(dir, dir.resolve("npm"));
        Table t = Table.create("t", StringColumn.create("set", "a", "b", "c"),
                DoubleColumn.create("mean", 1.0 / 3, 0.25, 12345.678901), tech.tablesaw.api.IntColumn.create("n", 7, 8, 9));
        Table shown = f.csv("precise", t);
        DoubleColumn mean = shown.doubleColumn("mean");
        assertEquals(List.of("0.3333", "0.25", "12350"), List.of(mean.getString(0), mean.getString(1), mean.getString(2)));
        assertEquals("7", shown.intColumn("n").getString(0), "integers are left as they are");
        assertTrue(shown.print().contains("0.3333") && !shown.print().contains("0.33333"), shown.print());
        assertEquals(1.0 / 3, mean.getDouble(0), "only the display is rounded");
        List<String> csv = Files.readAllLines(dir.resolve("precise.csv"));
        assertEquals("a," + (1.0 / 3) + ",7", csv.get(1), "the CSV keeps every digit");
        assertEquals("c,12345.678901,9", csv.get(3));
        assertEquals("1.235E-8", Tables.significant(1.23456e-8), "a tiny p-value stays readable");
        assertEquals("0", Tables.significant(0.0));
        assertEquals("", Tables.significant(Double.NaN), "missing stays blank");
    }

    @Test
    void namesThatAreNotPlainFileNamesAreRefused() {
        Figures f = new Figures(dir, dir.resolve("npm"));
        Table t = Table.create("t", StringColumn.create("x", "1"));
        assertThrows(ReportException.class, () -> f.csv("../escape", t));
        assertThrows(ReportException.class, () -> f.csv("with space", t));
        assertThrows(ReportException.class, () -> f.file("noextension", new byte[0]));
    }

    @Test
    void thePageInlinesTheScriptAndNeverLoadsFromTheNetwork() {
        Figure fig = new Figure(BarTrace.builder(new Object[] {"a", "b"}, new double[] {1, 2}).name("base").build());
        String script = "var Plotly = {newPlot: function(){}}; var s = '</script>';";
        String page = Figures.page("01_scores", fig, script);
        assertTrue(page.contains("var Plotly = {newPlot: function(){}}"), "the script is inlined");
        assertTrue(page.contains("'<\\/script>'"), "a closing script tag inside the script is escaped");
        assertFalse(page.contains("<script src"), "no external script");
        assertFalse(page.contains("cdn.plot.ly"));
        assertTrue(page.contains("Plotly.newPlot(") && page.contains("document.getElementById('plot')"), page);
        assertTrue(page.contains("<title>01_scores</title>"));
    }

    @Test
    void theTarballIsCheckedAgainstItsPinnedIntegrity() throws Exception {
        Path file = dir.resolve("abc.bin");
        Files.writeString(file, "abc");
        // sha512("abc"), base64 of the FIPS 180-2 test vector
        PlotlyJs.verify(file, "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==");
        ReportException e = assertThrows(ReportException.class, () -> PlotlyJs.verify(file, PlotlyJs.INTEGRITY));
        assertTrue(e.getMessage().contains("differs from the pinned") && e.getMessage().contains("delete the file"),
                e.getMessage());
    }

    @Test
    void aFileIsReadOutOfANpmTarball() throws Exception {
        Path pkg = Files.createDirectories(dir.resolve("src/package"));
        Files.writeString(pkg.resolve("plotly-cartesian.min.js"), "/* plotly */ 1+1;");
        Files.writeString(pkg.resolve("package.json"), "{}");
        Path tgz = dir.resolve("p.tgz");
        Process tar = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", dir.resolve("src").toString(), "package")
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        assertArrayEquals("/* plotly */ 1+1;".getBytes(StandardCharsets.UTF_8), PlotlyJs.entry(tgz, PlotlyJs.ENTRY));
        ReportException e = assertThrows(ReportException.class, () -> PlotlyJs.entry(tgz, "package/other.js"));
        assertTrue(e.getMessage().contains("has no package/other.js"), e.getMessage());
    }

    @Test
    void withoutNpmTheErrorSaysHowToGetPlotly() {
        ReportException e = assertThrows(ReportException.class,
                () -> PlotlyJs.tarball(dir.resolve("cache"), dir.resolve("no-npm-here").toString()));
        assertTrue(e.getMessage().contains("cannot run") && e.getMessage().contains("is npm installed")
                && e.getMessage().contains(PlotlyJs.TARBALL), e.getMessage());
    }

    private static Figure bars() {
        return new Figure(BarTrace.builder(new Object[] {"a", "b"}, new double[] {1, 2}).name("base").build());
    }

    /** Runs {@code save} with standard output captured; returns what it printed. */
    private static String printed(Runnable save) {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            save.run();
        } finally {
            System.setOut(out);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutNpmOnPathAChartCellStillWritesAndShowsItsPngAndSaysWhyInOneLine() throws Exception {
        // a bare name that no PATH entry has: what a machine without npm sees; the cache folder is empty
        Figures f = new Figures(dir.resolve("figs"), dir.resolve("empty-cache"), "npm-absent-" + System.nanoTime());
        BufferedImage[] shown = new BufferedImage[2];
        String said = printed(() -> {
            shown[0] = f.save("00_chart", chart(), bars());
            shown[1] = f.save("01_chart", chart(), bars());
        });
        assertEquals(300, shown[0].getWidth());
        assertTrue(Files.isRegularFile(dir.resolve("figs/00_chart.png")) && Files.isRegularFile(dir.resolve("figs/00_chart.svg")));
        assertTrue(Files.isRegularFile(dir.resolve("figs/01_chart.png")));
        assertFalse(Files.exists(dir.resolve("figs/00_chart.html")));
        assertFalse(shown[0] instanceof InteractiveChart, "without plotly.js the value is the PNG alone");
        List<String> lines = said.lines().toList();
        assertEquals(2, lines.size(), said);
        assertTrue(lines.get(0).startsWith("00_chart: PNG and SVG written, no interactive 00_chart.html: npm not found on PATH"),
                lines.get(0));
        assertTrue(lines.get(1).contains("npm not found on PATH"), "the second chart gives the same reason: " + lines.get(1));
    }

    @Test
    void anInteractiveChartIsItsPngWithTheSameChartAsHtmlAndPlotlyOncePerNotebook() throws Exception {
        String plotly = "window.Plotly = {newPlot: function () {}}; /* stand-in for plotly.js */";
        Figures f = new Figures(dir.resolve("figs"), () -> plotly);
        BufferedImage first = f.save("00_chart", chart(), bars());
        BufferedImage second = f.save("01_chart", chart(), bars());
        BufferedImage png = ImageIO.read(dir.resolve("figs/00_chart.png").toFile());
        assertEquals(png.getWidth(), first.getWidth());
        assertEquals(png.getRGB(150, 100), first.getRGB(150, 100), "the value is the chart's PNG");
        InteractiveChart one = assertInstanceOf(InteractiveChart.class, first);
        InteractiveChart two = assertInstanceOf(InteractiveChart.class, second);
        String html = one.toHtml();
        assertTrue(html.contains("stand-in for plotly.js"), "the first chart carries plotly.js");
        assertFalse(two.toHtml().contains("stand-in for plotly.js"), "later charts of the notebook reuse it");
        assertTrue(html.contains("data:image/png;base64,"), "the PNG is the fallback inside the HTML");
        assertTrue(html.contains("Plotly.newPlot(target_instruct_shift_chart_1") && two.toHtml().contains("target_instruct_shift_chart_2"),
                "each chart plots into its own element: " + html.substring(html.length() - 400));
        assertTrue(html.contains("name: 'base'"), "the plotly traces are the figure's");
        assertFalse(html.contains("<script src"), "self-contained");
        assertTrue(Files.readString(dir.resolve("figs/00_chart.html")).contains("stand-in for plotly.js"));
    }

    @Test
    void withNpmFailingTheReasonIsNpmsOwnFirstErrorLine() throws Exception {
        Path npm = dir.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho 'npm error code ENOTCACHED' >&2\n"
                + "echo 'npm error request to https://registry.npmjs.org/x failed: cache mode is only-if-cached' >&2\n"
                + "echo 'npm error A complete log of this run can be found in: /tmp/x.log' >&2\nexit 1\n");
        assertTrue(npm.toFile().setExecutable(true));
        Figures f = new Figures(dir.resolve("figs"), dir.resolve("empty-cache"), npm.toString());
        String said = printed(() -> f.save("02_chart", chart(), bars()));
        assertTrue(Files.isRegularFile(dir.resolve("figs/02_chart.png")));
        assertTrue(said.strip().startsWith("02_chart: PNG and SVG written, no interactive 02_chart.html: npm pack "
                + PlotlyJs.PACKAGE + "@" + PlotlyJs.VERSION + " failed (exit 1): npm error request to"), said);
        assertEquals(1, said.strip().lines().count(), said);
    }
}
