package io.github.instructshift.kernel;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class MimeRendererTest {

    private static BufferedImage decode(String base64) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    @Test
    void bufferedImageBecomesPngWithTheSamePixels() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(2, 1, 0x00FF7F);
        Map<String, String> bundle = MimeRenderer.render(img);
        assertEquals("image 3x2", bundle.get("text/plain"));
        BufferedImage back = decode(bundle.get("image/png"));
        assertEquals(3, back.getWidth());
        assertEquals(2, back.getHeight());
        assertEquals(0xFF0000, back.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x00FF7F, back.getRGB(2, 1) & 0xFFFFFF);
        assertEquals(0x000000, back.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void xchartBecomesPngOfItsSize() throws Exception {
        XYChart chart = new XYChartBuilder().width(120).height(80).build();
        chart.addSeries("s", new double[] {0, 1}, new double[] {1, 0});
        BufferedImage back = decode(MimeRenderer.render(chart).get("image/png"));
        assertEquals(120, back.getWidth());
        assertEquals(80, back.getHeight());
    }

    public static final class Fancy {
        public String toHtml() {
            return "<em>fancy</em>";
        }

        @Override
        public String toString() {
            return "fancy";
        }
    }

    @Test
    void htmlForHtmlRecordsAndToHtmlMethods() {
        Map<String, String> html = MimeRenderer.render(new Html("<b>x</b>"));
        assertEquals("<b>x</b>", html.get("text/html"));
        Map<String, String> fancy = MimeRenderer.render(new Fancy());
        assertEquals("<em>fancy</em>", fancy.get("text/html"));
        assertEquals("fancy", fancy.get("text/plain"));
        assertEquals(Map.of("text/plain", "plain"), MimeRenderer.render("plain"));
    }

    @Test
    void plainTextOfNullAndArrays() {
        assertEquals(Map.of("text/plain", "null"), MimeRenderer.render(null));
        assertEquals("[1, 2, 3]", MimeRenderer.render(new int[] {1, 2, 3}).get("text/plain"));
        assertEquals("[a, [b]]", MimeRenderer.render(new Object[] {"a", new String[] {"b"}}).get("text/plain"));
    }

    @Test
    void tablesawTableBecomesAnEscapedHtmlTable() {
        Table t = Table.create("scores",
                StringColumn.create("token", List.of("<s>", "a&b")),
                IntColumn.create("n", 3, 4));
        String html = MimeRenderer.render(t).get("text/html");
        assertTrue(html.contains("<caption>scores</caption>"), html);
        assertTrue(html.contains("<th>token</th><th>n</th>"), html);
        assertTrue(html.contains("<tr><td>&lt;s&gt;</td><td>3</td></tr>"), html);
        assertTrue(html.contains("<tr><td>a&amp;b</td><td>4</td></tr>"), html);
        assertFalse(html.contains("more rows"), html);
    }

    @Test
    void longTablesShowTheirFirstRowsOnly() {
        int rows = MimeRenderer.TABLE_ROWS + 10;
        Table t = Table.create("long", IntColumn.create("i", IntStream.range(0, rows).toArray()));
        String html = MimeRenderer.render(t).get("text/html");
        assertEquals(MimeRenderer.TABLE_ROWS, html.split("<tr><td>", -1).length - 1);
        assertTrue(html.contains("10 more rows (" + rows + " rows × 1 columns)"), html);
    }

    /** An image that is also HTML, as the report's interactive charts are. */
    public static final class ChartLike extends BufferedImage {
        public ChartLike() {
            super(3, 2, BufferedImage.TYPE_INT_RGB);
        }

        public String toHtml() {
            return "<div id=chart></div>";
        }
    }

    @Test
    void anImageThatIsAlsoHtmlGivesBothInOneBundle() throws Exception {
        Map<String, String> bundle = MimeRenderer.render(new ChartLike());
        assertEquals("<div id=chart></div>", bundle.get("text/html"));
        assertEquals(3, decode(bundle.get("image/png")).getWidth());
        assertFalse(MimeRenderer.render(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB)).containsKey("text/html"),
                "a plain image stays a PNG only");
    }

    @Test
    void aColumnsPrintFormatterReachesTheHtml() {
        tech.tablesaw.api.DoubleColumn x = tech.tablesaw.api.DoubleColumn.create("x", 0.123456789, 12345.6789);
        x.setPrintFormatter(new tech.tablesaw.columns.numbers.NumberColumnFormatter(
                new java.text.DecimalFormat("0.000")));
        String html = MimeRenderer.render(Table.create("t", x)).get("text/html");
        assertTrue(html.contains("<td>0.123</td>") && html.contains("<td>12345.679</td>"), html);
        assertFalse(html.contains("0.123456789"), html);
    }
}
