package io.github.instructshift.data;

/**
 * The escaping the authors' TSV files use: a newline is stored as {@code /n} and a tab as
 * {@code /t} (literally slash-letter, so a URL such as {@code a/tablets} is also decoded; the
 * authors' tools decode the same way and their token pickles were made from the decoded text).
 */
public final class TsvText {
    private TsvText() {}

    public static String decode(String field) {
        String text = field.replace("/t", "\t").replace("/n", "\n");
        // Spreadsheet-style quoting: a field wrapped in quotes with "" for a literal quote.
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        return text.replace("\"\"", "\"");
    }

    public static String encode(String text) {
        return text.replace("\t", "/t").replace("\n", "/n");
    }
}
