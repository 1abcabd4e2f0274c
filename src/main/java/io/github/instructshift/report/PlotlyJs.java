package io.github.instructshift.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * plotly.js for the standalone HTML figures, taken from the npm registry once and pinned: {@code npm pack}
 * of {@value #PACKAGE}@{@value #VERSION} into a cache folder outside git ({@code data/cache/npm}), checked
 * against the registry's sha512 integrity before every use, and the minified script read out of the
 * tarball. The cartesian bundle (scatter, bar, heatmap, …, about 1.4 MB) is enough for every figure
 * here. Version 2.x because tablesaw-jsplot writes string titles, which plotly.js 3 no longer reads.
 */
public final class PlotlyJs {
    public static final String PACKAGE = "plotly.js-cartesian-dist-min";
    public static final String VERSION = "2.35.3";
    /** The registry's {@code dist.integrity} of that tarball. */
    public static final String INTEGRITY =
            "sha512-Bs3rf3VJrDgGBE5qBDpXtfBANzLeHLMOm4WGBaa++MRwQS+xuGKGv+IQYndBAOn1ZDFKabJfMz5UVVpjHX87pw==";
    static final String ENTRY = "package/plotly-cartesian.min.js";
    static final String TARBALL = PACKAGE + "-" + VERSION + ".tgz";

    private static volatile String cached;

    private PlotlyJs() {}

    /** The script text, fetching the tarball into {@code cacheDir} the first time. */
    public static String script(Path cacheDir) {
        String s = cached;
        if (s == null) {
            synchronized (PlotlyJs.class) {
                if (cached == null) {
                    Path tarball = tarball(cacheDir, "npm");
                    cached = new String(entry(tarball, ENTRY), StandardCharsets.UTF_8);
                }
                s = cached;
            }
        }
        return s;
    }

    /** The verified tarball in {@code cacheDir}, packed with {@code npm} when it is not there yet. */
    static Path tarball(Path cacheDir, String npm) {
        Path target = cacheDir.resolve(TARBALL);
        if (!Files.isRegularFile(target)) {
            pack(cacheDir, target, npm);
        }
        verify(target, INTEGRITY);
        return target;
    }

    private static void pack(Path cacheDir, Path target, String npm) {
        String spec = PACKAGE + "@" + VERSION;
        Path tmp = null;
        try {
            Files.createDirectories(cacheDir);
            tmp = Files.createTempDirectory(cacheDir, ".npm-pack-");
            Path log = tmp.resolve("npm.log");
            Process process;
            try {
                process = new ProcessBuilder(npm, "pack", spec, "--pack-destination", tmp.toString(), "--silent")
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new ReportException("cannot run '" + npm + "' to fetch " + spec + " for the HTML figures: is npm"
                        + " installed (apt-get install npm)? Or put " + TARBALL + " into " + cacheDir + " (" + e.getMessage() + ")", e);
            }
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ReportException("npm pack " + spec + " did not finish in 300 s");
            }
            Path packed = tmp.resolve(TARBALL);
            if (process.exitValue() != 0 || !Files.isRegularFile(packed)) {
                throw new ReportException("npm pack " + spec + " failed (exit " + process.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            Files.move(packed, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ReportException("fetching " + spec + " into " + cacheDir + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportException("interrupted while fetching " + spec, e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Throws when the file's sha512 is not {@code integrity} ({@code sha512-<base64>}). */
    static void verify(Path file, String integrity) {
        String actual;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            actual = "sha512-" + Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(integrity)) {
            throw new ReportException(file + " is not " + PACKAGE + "@" + VERSION + ": its integrity " + actual
                    + " differs from the pinned " + integrity + "; delete the file to fetch it again");
        }
    }

    /** One regular file of a {@code .tgz} (ustar; pax extended headers skipped). */
    static byte[] entry(Path tarball, String name) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                boolean zero = true;
                for (byte b : header) {
                    zero &= b == 0;
                }
                if (zero) {
                    break;
                }
                String path = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    path = prefix + "/" + path;
                }
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                if ((type == '0' || type == 0) && path.equals(name)) {
                    byte[] body = in.readNBytes((int) size);
                    if (body.length != size) {
                        throw new ReportException(tarball + " is truncated inside " + name);
                    }
                    return body;
                }
                in.skipNBytes(padded);
            }
        } catch (IOException | NumberFormatException e) {
            throw new ReportException("cannot read " + tarball + ": " + e.getMessage(), e);
        }
        throw new ReportException(tarball + " has no " + name);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover temporary folder starts with a dot and is never read
        }
    }
}
