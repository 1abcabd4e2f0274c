package io.github.instructshift.attribution;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which characters of a prompt are "instruction". The paper's annotators marked instruction fragments;
 * each fragment is widened to the whole prompt sentence that contains it. Sentences are split at newlines
 * and at white space that follows {@code . ! ? :}; a sentence that starts with {@code Input:} loses that
 * label. A fragment that itself spans several sentences contributes each of them. A fragment found in no
 * sentence is reported, never silently dropped.
 */
public final class InstructionSpans {
    private static final Pattern BREAK = Pattern.compile("(?<=[.!?:])\\s+");
    private static final String INPUT_LABEL = "Input:";

    private InstructionSpans() {}

    /** The outcome of widening: the instruction sentences (in prompt order) and the fragments not found. */
    public record Widening(List<TextSpan> sentences, List<String> notFound) {
        public Widening {
            sentences = List.copyOf(sentences);
            notFound = List.copyOf(notFound);
        }
    }

    /** The non-empty sentences of a text, as character spans. */
    public static List<TextSpan> sentences(String text) {
        List<TextSpan> out = new ArrayList<>();
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? text.length() : nl;
            Matcher m = BREAK.matcher(text).region(lineStart, lineEnd);
            int start = lineStart;
            while (m.find()) {
                add(out, start, m.start());
                start = m.end();
            }
            add(out, start, lineEnd);
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        return out;
    }

    private static void add(List<TextSpan> out, int start, int end) {
        if (end > start) {
            out.add(new TextSpan(start, end));
        }
    }

    /** Widens annotated fragments to whole prompt sentences. */
    public static Widening widen(String prompt, List<String> fragments) {
        List<TextSpan> promptSentences = sentences(prompt);
        Set<TextSpan> found = new LinkedHashSet<>();
        List<String> notFound = new ArrayList<>();
        for (String fragment : fragments) {
            for (TextSpan piece : sentences(fragment)) {
                String text = piece.of(fragment);
                TextSpan hit = null;
                for (TextSpan s : promptSentences) {
                    if (s.of(prompt).contains(text)) {
                        hit = s;
                        break;
                    }
                }
                if (hit == null) {
                    notFound.add(text);
                    continue;
                }
                TextSpan stripped = stripInputLabel(prompt, hit);
                if (!stripped.isEmpty()) {
                    found.add(stripped);
                }
            }
        }
        List<TextSpan> ordered = new ArrayList<>(found);
        ordered.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return new Widening(ordered, notFound);
    }

    /** The simple rule for unannotated prompts: the first sentence is the instruction. */
    public static List<TextSpan> firstSentence(String prompt) {
        for (TextSpan s : sentences(prompt)) {
            TextSpan stripped = stripInputLabel(prompt, s);
            if (!stripped.isEmpty()) {
                return List.of(stripped);
            }
        }
        return List.of();
    }

    private static TextSpan stripInputLabel(String prompt, TextSpan s) {
        if (!s.of(prompt).startsWith(INPUT_LABEL)) {
            return s;
        }
        int start = s.start() + INPUT_LABEL.length();
        while (start < s.end() && Character.isWhitespace(prompt.charAt(start))) {
            start++;
        }
        return new TextSpan(start, s.end());
    }
}
