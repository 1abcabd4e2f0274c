package io.github.instructshift.attribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A user's prompt file, in one of two forms (told apart by the first non-blank line: JSON object or not).
 * <ul>
 *   <li>JSON Lines: one object per line with {@code prompt} (required), {@code id} (default
 *       {@code line_N}, N the 1-based line number), and at most one of {@code instruction_spans}
 *       ({@code [[start, end], …]}, character offsets into the prompt, end exclusive: the instruction as
 *       given) or {@code instruction_fragments} ({@code ["…", …]}: widened to whole sentences as the
 *       paper's annotations are). Without either, the first sentence is the instruction.</li>
 *   <li>Plain text: one prompt per non-blank line, ID {@code line_N}, the first sentence the instruction.</li>
 * </ul>
 * The file must be UTF-8 (an optional byte-order mark is dropped). Every error names the file and line. IDs must be unique and usable as file names.
 */
public final class PromptFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("id", "prompt", "instruction_spans", "instruction_fragments");

    private PromptFiles() {}

    public static List<AttributionPrompt> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AttributionException("no such prompt file: " + file);
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(utf8(file, Files.readAllBytes(file)).lines().toList());
        } catch (IOException e) {
            throw new AttributionException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        boolean jsonl = lines.stream().filter(l -> !l.isBlank()).findFirst().map(l -> l.strip().startsWith("{"))
                .orElse(false);
        List<AttributionPrompt> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int number = i + 1;
            AttributionPrompt p;
            try {
                p = jsonl ? jsonLine(line, number) : AttributionPrompt.firstSentence("line_" + number, line);
            } catch (AttributionException e) {
                throw new AttributionException(file + ":" + number + ": " + e.getMessage(), e);
            }
            if (!ResultStore.isValidId(p.id())) {
                throw new AttributionException(file + ":" + number + ": ID '" + p.id()
                        + "' cannot be a file name (letters, digits, . _ - only)");
            }
            if (!ids.add(p.id())) {
                throw new AttributionException(file + ":" + number + ": duplicate ID '" + p.id() + "'");
            }
            out.add(p);
        }
        if (out.isEmpty()) {
            throw new AttributionException(file + ": no prompts (an empty file)");
        }
        return out;
    }

    /** The bytes as UTF-8, or an error naming the first byte that is not (offset and line), e.g. of a Latin-1 file. */
    private static String utf8(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new AttributionException(file + ":" + line + ": byte " + offset + " (0x"
                    + String.format("%02X", bytes[offset] & 0xFF) + ") is not UTF-8; a prompt file must be UTF-8 "
                    + "text (convert it, e.g. iconv -f latin1 -t utf-8)");
        }
        return out.flip().toString();
    }

    private static AttributionPrompt jsonLine(String line, int number) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new AttributionException("not a JSON object: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new AttributionException("not a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new AttributionException("unknown field '" + f + "' (expected " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        JsonNode prompt = n.get("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw new AttributionException("field 'prompt' is " + (prompt == null ? "missing" : "not a string"));
        }
        String text = prompt.asText();
        JsonNode idNode = n.get("id");
        if (idNode != null && !idNode.isTextual()) {
            throw new AttributionException("field 'id' is not a string");
        }
        String id = idNode == null ? "line_" + number : idNode.asText();
        JsonNode spans = n.get("instruction_spans");
        JsonNode fragments = n.get("instruction_fragments");
        if (spans != null && fragments != null) {
            throw new AttributionException("give instruction_spans or instruction_fragments, not both");
        }
        if (spans != null) {
            return new AttributionPrompt(id, text, spans(spans, text.length()), List.of(), AttributionPrompt.RULE_SPANS);
        }
        if (fragments != null) {
            if (!fragments.isArray()) {
                throw new AttributionException("field 'instruction_fragments' is not an array of strings");
            }
            List<String> list = new ArrayList<>();
            for (JsonNode f : fragments) {
                if (!f.isTextual()) {
                    throw new AttributionException("field 'instruction_fragments' holds a non-string " + f);
                }
                list.add(f.asText());
            }
            InstructionSpans.Widening w = InstructionSpans.widen(text, list);
            return new AttributionPrompt(id, text, w.sentences(), w.notFound(), AttributionPrompt.RULE_ANNOTATED);
        }
        return AttributionPrompt.firstSentence(id, text);
    }

    private static List<TextSpan> spans(JsonNode spans, int length) {
        if (!spans.isArray()) {
            throw new AttributionException("field 'instruction_spans' is not an array of [start, end] pairs");
        }
        List<TextSpan> out = new ArrayList<>();
        for (JsonNode s : spans) {
            if (!s.isArray() || s.size() != 2 || !s.get(0).canConvertToInt() || !s.get(1).canConvertToInt()
                    || !s.get(0).isIntegralNumber() || !s.get(1).isIntegralNumber()) {
                throw new AttributionException("instruction span " + s + " is not a [start, end] pair of integers");
            }
            int start = s.get(0).asInt();
            int end = s.get(1).asInt();
            if (start < 0 || end < start || end > length) {
                throw new AttributionException("instruction span [" + start + ", " + end + ") is not within the "
                        + length + "-character prompt");
            }
            out.add(new TextSpan(start, end));
        }
        out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return out;
    }
}
