package io.github.instructshift.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cells this kernel session executed with {@code store_history}, for Jupyter's
 * {@code history_request}: {@code tail}, {@code range} and {@code search} (glob, as IPython).
 * Thread-safe: the shell thread adds, any thread may ask.
 */
final class History {
    /** One executed cell: its execution count and its code. */
    record Entry(int line, String input) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input) {
        entries.add(new Entry(line, input));
    }

    /** The last {@code n} cells, oldest first. */
    synchronized List<Entry> tail(int n) {
        int from = Math.max(0, entries.size() - Math.max(0, n));
        return List.copyOf(entries.subList(from, entries.size()));
    }

    /** Cells with {@code start <= line < stop}; a {@code stop} of 0 or less means "to the end". */
    synchronized List<Entry> range(int start, int stop) {
        return entries.stream().filter(e -> e.line() >= start && (stop <= 0 || e.line() < stop)).toList();
    }

    /**
     * Cells whose whole code matches the glob {@code pattern} ({@code *}, {@code ?}), the last
     * {@code n} of them ({@code n <= 0}: all); {@code unique} keeps the latest of identical inputs.
     */
    synchronized List<Entry> search(String pattern, int n, boolean unique) {
        Pattern glob = globToRegex(pattern);
        List<Entry> hits = entries.stream().filter(e -> glob.matcher(e.input()).matches()).toList();
        if (unique) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : hits) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            hits = List.copyOf(latest.values());
        }
        return n > 0 && hits.size() > n ? hits.subList(hits.size() - n, hits.size()) : hits;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
