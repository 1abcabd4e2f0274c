package io.github.instructshift.organism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the npm tarballs into a {@link Corpus}: all of Moby-Dick (chapters and epilogue) plus the most
 * recent State of the Union addresses up to {@code sotuChars} characters, cleaned to plain paragraphs.
 * Every twentieth paragraph goes to validation, so both splits span every source.
 */
public final class CorpusBuilder {

    /** About 1.5 MB of addresses beside Moby-Dick's 1.2 MB: plenty for a few-million-parameter model in half an hour. */
    public static final int DEFAULT_SOTU_CHARS = 1_500_000;
    /** Paragraphs longer than this are cut at sentence ends, so the split is not dominated by whole speeches. */
    static final int MAX_PARAGRAPH_CHARS = 1000;
    static final int VALIDATION_EVERY = 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHAPTER = Pattern.compile("package/data/chapter_(\\d+)\\.json");
    private static final Pattern SOTU_FILE = Pattern.compile("package/data/(\\d{4})_[a-z_]+\\.json");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?][\"')]?) (?=[\"'(]?[A-Z])");

    private final int sotuChars;

    public CorpusBuilder() {
        this(DEFAULT_SOTU_CHARS);
    }

    public CorpusBuilder(int sotuChars) {
        this.sotuChars = sotuChars;
    }

    public Corpus build(Map<CorpusSource, Path> tarballs) {
        List<String> paragraphs = new ArrayList<>();
        for (Map.Entry<CorpusSource, Path> e : tarballs.entrySet()) {
            if (e.getKey().equals(CorpusSource.MOBY_DICK)) {
                paragraphs.addAll(mobyDick(e.getValue()));
            } else if (e.getKey().equals(CorpusSource.SOTU)) {
                paragraphs.addAll(sotu(e.getValue()));
            } else {
                throw new OrganismException("no reader for corpus package " + e.getKey().spec());
            }
        }
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int i = 0; i < paragraphs.size(); i++) {
            (i % VALIDATION_EVERY == VALIDATION_EVERY / 2 ? validation : train).add(paragraphs.get(i));
        }
        return new Corpus(train, validation);
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
            if (total >= sotuChars) {
                break;
            }
            for (String p : paragraphs(text(tarball, name, files.get(name)), false)) {
                out.add(p);
                total += p.length();
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
