package io.github.instructshift.organism;

import java.util.List;

/**
 * A bilingual word list: English words with their translation in one other language, each side one
 * word, as the pretraining corpus states them. The translation tasks draw their inputs from it, so that
 * the base model has seen every pair before tuning and tuning teaches only the request.
 *
 * @param language the other language's English name, e.g. {@code French}
 * @param pairs    distinct English words, each with one translation
 */
public record Lexicon(String language, List<Pair> pairs) {

    /** One entry: single words without spaces. */
    public record Pair(String english, String foreign) {
        public Pair {
            if (english.isBlank() || foreign.isBlank() || english.contains(" ") || foreign.contains(" ")) {
                throw new OrganismException("lexicon entries must be single words, got '" + english + "' / '" + foreign + "'");
            }
        }
    }

    /** Writes {@code english<TAB>foreign} lines, the language on the first line. */
    public void write(java.nio.file.Path file) {
        StringBuilder b = new StringBuilder("# ").append(language).append('\n');
        for (Pair p : pairs) {
            b.append(p.english()).append('\t').append(p.foreign()).append('\n');
        }
        try {
            io.github.instructshift.files.AtomicFiles.writeString(file, b.toString());
        } catch (java.io.IOException e) {
            throw new OrganismException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static Lexicon read(java.nio.file.Path file) {
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new OrganismException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new OrganismException(file + ": line 1 must be '# <language>'");
        }
        List<Pair> pairs = new java.util.ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != 2) {
                throw new OrganismException(file + ":" + (i + 1) + ": expected english<TAB>foreign, got '" + lines.get(i) + "'");
            }
            pairs.add(new Pair(f[0], f[1]));
        }
        return new Lexicon(lines.get(0).substring(2), pairs);
    }

    public Lexicon {
        pairs = List.copyOf(pairs);
        if (pairs.size() != pairs.stream().map(Pair::english).distinct().count()) {
            throw new OrganismException(language + " lexicon lists an English word twice");
        }
    }
}
