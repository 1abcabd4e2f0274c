package io.github.instructshift.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link TextTokenizer} over DJL's Hugging Face tokenizers; BOS is whatever the post-processor adds. */
final class HfTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final String[] pieces;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, String[] pieces) {
        this.tokenizer = tokenizer;
        this.pieces = pieces;
    }

    static HfTokenizer load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("missing tokenizer.json in " + file.getParent());
        }
        try {
            // No truncation or padding: a prompt is never silently cut (the context check is the model's).
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
            return new HfTokenizer(t, readPieces(file));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    private Encoding encoding(String text, boolean special) {
        return tokenizer.encode(text, special, false);
    }

    @Override
    public long[] encode(String text, boolean addSpecialTokens) {
        return encoding(text, addSpecialTokens).getIds();
    }

    @Override
    public List<String> tokens(String text, boolean addSpecialTokens) {
        return Arrays.asList(encoding(text, addSpecialTokens).getTokens());
    }

    @Override
    public List<int[]> charSpans(String text, boolean addSpecialTokens) {
        Encoding enc = encoding(text, addSpecialTokens);
        CharSpan[] spans = enc.getCharTokenSpans();
        long[] special = enc.getSpecialTokenMask();
        List<int[]> out = new ArrayList<>(spans.length);
        for (int i = 0; i < spans.length; i++) {
            CharSpan s = spans[i];
            out.add(s == null || special[i] == 1 ? new int[] {0, 0} : new int[] {s.getStart(), s.getEnd()});
        }
        return out;
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public String piece(long id) {
        if (id < 0 || id >= pieces.length || pieces[(int) id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the tokenizer's vocabulary");
        }
        return pieces[(int) id];
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    /** DJL has no id→piece call, so the vocabulary (model vocab plus added tokens) is read from the file. */
    private static String[] readPieces(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<Integer, String> byId = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            vocab.fields().forEachRemaining(e -> byId.put(e.getValue().asInt(), e.getKey()));
        } else if (vocab.isArray()) {                 // Unigram: [[piece, score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                byId.put(i, vocab.get(i).get(0).asText());
            }
        }
        root.path("added_tokens").forEach(t -> byId.put(t.get("id").asInt(), t.get("content").asText()));
        int size = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] pieces = new String[size];
        byId.forEach((id, piece) -> pieces[id] = piece);
        return pieces;
    }
}
