package io.github.instructshift.ffn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A labeller that needs no service, so that the pipeline and notebooks run anywhere. It is a
 * <b>stand-in</b> for the paper's ChatGPT labels, and says so in every concept it writes: it scores
 * the shown words against lexicons shipped with the project ({@code offline-lexicon.tsv}: topical
 * concepts with their level and tasks; function words for syntax) and against rules (a shared affix
 * from {@code affixes.txt} → morphology; a shared rhyme → phonology, literary writing; numerals →
 * math; non-Latin scripts → translation). The best-scoring concept is taken when it covers at least
 * {@code threshold} of the words, else the component is "Cannot Tell".
 *
 * <p>Runs differ the way the paper's sampled labels do, but reproducibly: each seed shows the
 * labeller a seeded 80% subsample of the words.
 */
public final class OfflineLabeller implements ConceptLabeller {
    public static final String VERSION = "lexicon-v1";
    private static final String STAND_IN = "[offline stand-in, not a ChatGPT label] ";

    private record Lexicon(String concept, LinguisticLevel level, Set<Task> tasks, Set<String> words) {}

    private record Match(String concept, LinguisticLevel level, Set<Task> tasks, List<String> hits) {}

    private final List<Lexicon> lexicons;
    private final List<String> suffixes = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private final double threshold;

    public OfflineLabeller() {
        this(0.4);
    }

    public OfflineLabeller(double threshold) {
        this.threshold = threshold;
        this.lexicons = loadLexicons();
        for (String a : lines("affixes.txt")) {
            if (a.startsWith("-")) {
                suffixes.add(a.substring(1));
            } else if (a.endsWith("-")) {
                prefixes.add(a.substring(0, a.length() - 1));
            } else {
                throw new FfnException("affixes.txt: '" + a + "' is neither a suffix (-x) nor a prefix (x-)");
            }
        }
    }

    @Override
    public String name() {
        return "offline-lexicon";
    }

    @Override
    public String model() {
        return VERSION;
    }

    @Override
    public String notice() {
        return "OFFLINE STAND-IN: these labels come from lexicons shipped with instruct-shift, not from ChatGPT as in "
                + "the paper; use them to exercise the pipeline, not as the paper's findings (use --labeller openai for those).";
    }

    @Override
    public ConceptLabel label(List<String> words, long seed) {
        List<String> shown = subsample(words, seed);
        List<String> clean = new ArrayList<>();
        for (String w : shown) {
            String c = normalise(w);
            if (!c.isEmpty()) {
                clean.add(c);
            }
        }
        if (clean.isEmpty()) {
            return ConceptLabel.cannotTell(name(), model(), seed, "Cannot Tell " + STAND_IN + "(no word-like words)");
        }
        List<Match> candidates = new ArrayList<>();
        for (Lexicon lex : lexicons) {
            List<String> hits = new ArrayList<>();
            for (String w : clean) {
                if (lex.words().contains(w) || lex.words().contains(stem(w))) {
                    hits.add(w);
                }
            }
            candidates.add(new Match(lex.concept(), lex.level(), lex.tasks(), hits));
        }
        candidates.add(rule(clean, "numerals", LinguisticLevel.SEMANTICS, EnumSet.of(Task.MATH), w -> w.matches("[0-9]+([.,][0-9]+)?")));
        candidates.add(rule(clean, "non-Latin script", LinguisticLevel.SEMANTICS, EnumSet.of(Task.TRANSLATION),
                w -> w.codePoints().anyMatch(c -> Character.isLetter(c) && Character.UnicodeScript.of(c) != Character.UnicodeScript.LATIN)));
        candidates.add(affixMatch(clean));
        candidates.add(rhymeMatch(clean));
        Match best = null;
        for (Match m : candidates) {
            if (m != null && (best == null || m.hits().size() > best.hits().size())) {
                best = m;
            }
        }
        double share = best.hits().size() / (double) clean.size();
        String evidence = best.hits().size() + "/" + clean.size() + " words: " + String.join(", ", best.hits().subList(0, Math.min(5, best.hits().size())));
        if (share < threshold) {
            return ConceptLabel.cannotTell(name(), model(), seed, "Cannot Tell " + STAND_IN + "(best: " + best.concept() + ", " + evidence + ")");
        }
        Set<Task> tasks = best.tasks().isEmpty() ? EnumSet.of(Task.NONE) : best.tasks();
        return new ConceptLabel(ConceptLabel.Status.LABELLED, STAND_IN + best.concept() + " (" + evidence + ")", tasks,
                best.level(), name(), model(), seed, null);
    }

    private static List<String> subsample(List<String> words, long seed) {
        if (words.size() < 5) {
            return words;
        }
        List<String> copy = new ArrayList<>(words);
        Collections.shuffle(copy, new Random(seed * 1_000_003L + words.hashCode()));
        int keep = (int) Math.ceil(words.size() * 0.8);
        Set<String> kept = new HashSet<>(copy.subList(0, keep));
        return words.stream().filter(kept::contains).toList();
    }

    private static Match rule(List<String> words, String concept, LinguisticLevel level, Set<Task> tasks,
                              java.util.function.Predicate<String> test) {
        return new Match(concept, level, tasks, words.stream().filter(test).toList());
    }

    /** The affix shared by most words (each word counted once per affix). */
    private Match affixMatch(List<String> words) {
        Match best = null;
        for (String s : suffixes) {
            List<String> hits = words.stream().filter(w -> w.length() > s.length() + 2 && w.endsWith(s)).toList();
            if (best == null || hits.size() > best.hits().size()) {
                best = new Match("words ending in -" + s, LinguisticLevel.MORPHOLOGY, EnumSet.noneOf(Task.class), hits);
            }
        }
        for (String p : prefixes) {
            List<String> hits = words.stream().filter(w -> w.length() > p.length() + 2 && w.startsWith(p)).toList();
            if (hits.size() > best.hits().size()) {
                best = new Match("words starting with " + p + "-", LinguisticLevel.MORPHOLOGY, EnumSet.noneOf(Task.class), hits);
            }
        }
        return best;
    }

    /** The last two letters shared by most words, when they are not one of the affixes. */
    private Match rhymeMatch(List<String> words) {
        Map<String, List<String>> byEnd = new HashMap<>();
        for (String w : words) {
            if (w.length() >= 3 && w.chars().allMatch(Character::isLetter)) {
                byEnd.computeIfAbsent(w.substring(w.length() - 2), k -> new ArrayList<>()).add(w);
            }
        }
        Match best = null;
        for (Map.Entry<String, List<String>> e : byEnd.entrySet()) {
            boolean affix = suffixes.stream().anyMatch(s -> s.endsWith(e.getKey()) || e.getKey().endsWith(s));
            if (!affix && (best == null || e.getValue().size() > best.hits().size())) {
                best = new Match("rhymes in -" + e.getKey(), LinguisticLevel.PHONOLOGY, EnumSet.of(Task.LITERARY_WRITING), e.getValue());
            }
        }
        return best;
    }

    static String normalise(String word) {
        String w = word.replace("\u2581", "").replace("\u0120", "").strip().toLowerCase(Locale.ROOT);
        return w.replaceAll("^[\\p{Punct}]+|[\\p{Punct}]+$", "");
    }

    private static String stem(String w) {
        for (String s : new String[] {"ies", "es", "s", "ed", "ing", "ly"}) {
            if (w.length() > s.length() + 2 && w.endsWith(s)) {
                return s.equals("ies") ? w.substring(0, w.length() - 3) + "y" : w.substring(0, w.length() - s.length());
            }
        }
        return w;
    }

    private static List<Lexicon> loadLexicons() {
        List<Lexicon> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines("offline-lexicon.tsv")) {
            lineNo++;
            String[] f = line.split("\t");
            if (f.length != 4) {
                throw new FfnException("offline-lexicon.tsv entry " + lineNo + ": expected 4 tab-separated fields, got " + f.length);
            }
            LinguisticLevel level;
            try {
                level = LinguisticLevel.valueOf(f[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FfnException("offline-lexicon.tsv entry " + lineNo + ": unknown level '" + f[1] + "'");
            }
            Set<Task> tasks = EnumSet.noneOf(Task.class);
            if (!f[2].equals("none")) {
                for (String t : f[2].split(";")) {
                    Task task = null;
                    for (Task c : Task.values()) {
                        if (c.text().equals(t.strip())) {
                            task = c;
                        }
                    }
                    if (task == null) {
                        throw new FfnException("offline-lexicon.tsv entry " + lineNo + ": unknown task '" + t + "'");
                    }
                    tasks.add(task);
                }
            }
            out.add(new Lexicon(f[0], level, tasks, Set.of(new HashSet<>(List.of(f[3].split(" "))).toArray(String[]::new))));
        }
        return out;
    }

    private static List<String> lines(String resource) {
        List<String> out = new ArrayList<>();
        try (InputStream in = OfflineLabeller.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new FfnException("missing resource io/github/instructshift/ffn/" + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new FfnException("cannot read resource " + resource + ": " + e.getMessage(), e);
        }
        return out;
    }
}
