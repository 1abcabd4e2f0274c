package io.github.instructshift.kernel;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a cell's value into a Jupyter MIME bundle (mime type to data). Every bundle has
 * {@code text/plain}; richer types are added for images ({@code image/png}), for objects with a
 * public {@code String toHtml()} ({@code text/html}), for Tablesaw tables and for XChart charts.
 */
public final class MimeRenderer {
    /** Rows of a Tablesaw table shown as HTML before the rest is elided. */
    static final int TABLE_ROWS = 50;

    private MimeRenderer() {
    }

    public static Map<String, String> render(Object value) {
        Map<String, String> bundle = new LinkedHashMap<>();
        if (value instanceof RenderedImage image) {
            // an image that is also HTML (an interactive chart over its PNG): both in one bundle, so the
            // front end shows the HTML when it trusts the output and the PNG otherwise, and export keeps the PNG
            String html = html(value);
            if (html != null) {
                bundle.put("text/html", html);
            }
            bundle.put("image/png", png(image));
            bundle.put("text/plain", "image " + image.getWidth() + "x" + image.getHeight());
            return bundle;
        }
        if (isXChart(value)) {
            RenderedImage image = xchartImage(value);
            bundle.put("image/png", png(image));
            bundle.put("text/plain", value.getClass().getSimpleName() + " " + image.getWidth() + "x" + image.getHeight());
            return bundle;
        }
        String html = html(value);
        if (html != null) {
            bundle.put("text/html", html);
        }
        bundle.put("text/plain", plain(value));
        return bundle;
    }

    static String plain(Object value) {
        if (value == null) {
            return "null";
        }
        if (value.getClass().isArray()) {
            StringBuilder sb = new StringBuilder("[");
            int n = Array.getLength(value);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                if (i == 1000) {
                    sb.append("... (").append(n).append(" elements)");
                    break;
                }
                sb.append(plain(Array.get(value, i)));
            }
            return sb.append(']').toString();
        }
        if (value instanceof String s) {
            return s;
        }
        return String.valueOf(value);
    }

    static String png(RenderedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new KernelException("no PNG writer for image of type " + image.getClass().getName());
            }
        } catch (IOException e) {
            throw new KernelException("cannot encode image as PNG: " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static String html(Object value) {
        if (value == null) {
            return null;
        }
        if (isClass(value, "tech.tablesaw.api.Table")) {
            return TablesawHtml.render(value, TABLE_ROWS);
        }
        try {
            Method m = value.getClass().getMethod("toHtml");
            if (m.getReturnType() == String.class && Modifier.isPublic(m.getModifiers())) {
                m.setAccessible(true); // the class may be a JShell-local class in a non-exported package
                return (String) m.invoke(value);
            }
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KernelException("toHtml() of " + value.getClass().getName() + " failed: " + e, e);
        }
        return null;
    }

    private static boolean isXChart(Object value) {
        return isClass(value, "org.knowm.xchart.internal.chartpart.Chart");
    }

    private static RenderedImage xchartImage(Object chart) {
        // org.knowm.xchart.BitmapEncoder.getBufferedImage(Chart): looked up reflectively so the
        // kernel still starts on a classpath without XChart
        try {
            Class<?> encoder = Class.forName("org.knowm.xchart.BitmapEncoder", true, chart.getClass().getClassLoader());
            Class<?> chartClass = Class.forName("org.knowm.xchart.internal.chartpart.Chart", false, chart.getClass().getClassLoader());
            return (RenderedImage) encoder.getMethod("getBufferedImage", chartClass).invoke(null, chart);
        } catch (ReflectiveOperationException e) {
            throw new KernelException("cannot draw XChart " + chart.getClass().getName() + ": " + e, e);
        }
    }

    static boolean isClass(Object value, String className) {
        if (value == null) {
            return false;
        }
        for (Class<?> c = value.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
