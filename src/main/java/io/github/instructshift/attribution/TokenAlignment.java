package io.github.instructshift.attribution;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps tokens onto the characters of the text they spell, so character spans (instruction sentences)
 * become token masks without the tokenizer. Understands sentencepiece pieces ({@code ▁} = space,
 * {@code <0xNN>} = one byte of UTF-8, the byte pieces of one character decoded together) and plain text pieces.
 * The sentencepiece dummy prefix (a leading space the text does not have) is allowed for.
 */
public final class TokenAlignment {
    private static final Pattern BYTE_PIECE = Pattern.compile("<0x([0-9A-Fa-f]{2})>");
    private static final char WORD_START = '\u2581';

    private TokenAlignment() {}

    /**
     * Character range {@code [start, end)} of every token in {@code text}. Byte pieces that together
     * form one UTF-8 character all get that character's range.
     *
     * @throws AttributionException when the tokens do not spell the text, naming the first difference
     */
    public static int[][] charSpans(List<String> tokens, String text, String where) {
        StringBuilder spelled = new StringBuilder();
        int[][] spans = new int[tokens.size()][2];
        int k = 0;
        while (k < tokens.size()) {
            Matcher m = BYTE_PIECE.matcher(tokens.get(k));
            if (m.matches()) {
                // One UTF-8 character at a time, so each byte piece gets only its own character's range
                // (a newline byte next to an emoji must not inherit the emoji's span).
                int lead = Integer.parseInt(m.group(1), 16);
                int length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                int first = k;
                bytes.write(lead);
                k++;
                while (k < tokens.size() && k - first < length
                        && (m = BYTE_PIECE.matcher(tokens.get(k))).matches()
                        && (Integer.parseInt(m.group(1), 16) & 0xC0) == 0x80) {
                    bytes.write(Integer.parseInt(m.group(1), 16));
                    k++;
                }
                int start = spelled.length();
                spelled.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
                for (int j = first; j < k; j++) {
                    spans[j][0] = start;
                    spans[j][1] = spelled.length();
                }
            } else {
                spans[k][0] = spelled.length();
                spelled.append(tokens.get(k).replace(WORD_START, ' '));
                spans[k][1] = spelled.length();
                k++;
            }
        }
        String s = spelled.toString();
        // sentencepiece's dummy prefix: a leading space the text does not have
        int shift = s.startsWith(" ") && !text.startsWith(" ") ? 1 : 0;
        s = s.substring(shift);
        if (!s.equals(text)) {
            int i = 0;
            int limit = Math.min(s.length(), text.length());
            while (i < limit && s.charAt(i) == text.charAt(i)) {
                i++;
            }
            throw new AttributionException(where + ": the prompt tokens do not spell the prompt text; first difference "
                    + "at character " + i + ": tokens give '" + excerpt(s, i) + "', text has '" + excerpt(text, i) + "'");
        }
        for (int[] span : spans) {
            span[0] = Math.max(0, span[0] - shift);
            span[1] = Math.max(0, span[1] - shift);
        }
        return spans;
    }

    /**
     * Marks the tokens that cover a non-space character of one of the spans. Like the authors' matcher,
     * a span's edge token that is only a word start plus a double quote ({@code ▁"}) is not counted.
     */
    public static boolean[] mask(List<String> tokens, int[][] tokenSpans, String text, List<TextSpan> spans) {
        boolean[] mask = new boolean[tokens.size()];
        for (TextSpan span : spans) {
            int first = -1;
            int last = -1;
            for (int k = 0; k < tokens.size(); k++) {
                int a = Math.max(span.start(), tokenSpans[k][0]);
                int b = Math.min(span.end(), tokenSpans[k][1]);
                if (a < b && !text.substring(a, b).isBlank()) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            if (first < 0) {
                continue;
            }
            if (first < last && isQuoteStart(tokens.get(first))) {
                first++;
            }
            if (last > first && isQuoteStart(tokens.get(last))) {
                last--;
            }
            for (int k = first; k <= last; k++) {
                mask[k] = true;
            }
        }
        return mask;
    }

    private static boolean isQuoteStart(String token) {
        return token.equals(WORD_START + "\"");
    }

    private static String excerpt(String s, int at) {
        return s.substring(Math.max(0, at - 10), Math.min(s.length(), at + 10)).replace("\n", "\\n");
    }
}
