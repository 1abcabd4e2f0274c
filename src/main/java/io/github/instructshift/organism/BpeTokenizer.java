package io.github.instructshift.organism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.instructshift.files.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-style byte-fallback BPE tokenizer in pure Java: the same model that
 * {@code tokenizer.json} describes to Hugging Face tokenizers (and so to DJL), so the organism's data can
 * be tokenised, counted and checked without native code. Normalisation prepends {@code ▁} and turns
 * spaces into {@code ▁}; there is no pre-tokenizer; characters outside the vocabulary fall back to
 * {@code <0xNN>} byte tokens; the post-processor adds {@code <s>}.
 *
 * <p>Ids: 0 {@code <unk>}, 1 {@code <s>}, 2 {@code </s>}, 3..258 the byte tokens, then single
 * characters, then merged pieces.
 */
public final class BpeTokenizer implements TokenEncoder {

    public static final String WORD_MARK = "\u2581";
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int FIRST_BYTE = 3;
    public static final int FIRST_PIECE = FIRST_BYTE + 256;
    static final List<String> SPECIALS = List.of("<unk>", "<s>", "</s>");

    private final List<String> pieces;
    private final Map<String, Integer> ids;
    private final List<int[]> merges;
    /** (left id, right id) → {rank, merged id}. */
    private final Map<Long, int[]> mergeTable;
    /** True when no merge can cross a ▁ or a newline, so chunks can be encoded (and cached) one by one. */
    private final boolean chunkable;
    private final Map<String, int[]> cache = new HashMap<>();

    BpeTokenizer(List<String> pieces, List<int[]> merges) {
        this.pieces = List.copyOf(pieces);
        this.ids = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            if (ids.putIfAbsent(pieces.get(i), i) != null) {
                throw new OrganismException("vocabulary piece '" + pieces.get(i) + "' appears twice (id "
                        + ids.get(pieces.get(i)) + " and " + i + ")");
            }
        }
        for (int i = 0; i < SPECIALS.size(); i++) {
            if (!SPECIALS.get(i).equals(pieces.get(i))) {
                throw new OrganismException("vocabulary id " + i + " must be " + SPECIALS.get(i) + ", is " + pieces.get(i));
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!byteToken(b).equals(pieces.get(FIRST_BYTE + b))) {
                throw new OrganismException("vocabulary id " + (FIRST_BYTE + b) + " must be " + byteToken(b)
                        + ", is " + pieces.get(FIRST_BYTE + b));
            }
        }
        this.merges = List.copyOf(merges);
        this.mergeTable = new HashMap<>();
        boolean crossing = false;
        for (int r = 0; r < merges.size(); r++) {
            int[] m = merges.get(r);
            String merged = pieces.get(m[0]) + pieces.get(m[1]);
            Integer id = ids.get(merged);
            if (id == null) {
                throw new OrganismException("merge " + r + " (" + pieces.get(m[0]) + " + " + pieces.get(m[1])
                        + ") makes '" + merged + "', which is not in the vocabulary");
            }
            mergeTable.putIfAbsent(pair(m[0], m[1]), new int[] {r, id});
            crossing |= merged.indexOf(WORD_MARK, 1) >= 0 || merged.contains("\n");
        }
        this.chunkable = !crossing;
    }

    public static String byteToken(int b) {
        return String.format("<0x%02X>", b);
    }

    static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** The Hugging Face normaliser: {@code ▁} in front of non-empty text, every space to {@code ▁}. */
    public static String normalize(String text) {
        return text.isEmpty() ? text : WORD_MARK + text.replace(" ", WORD_MARK);
    }

    /**
     * Pieces of normalised text that no merge can join: a new one starts at every {@code ▁}, and every
     * newline stands alone. The trainer learns only merges inside chunks.
     */
    static List<String> chunks(String normalized) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if ((c == '\u2581' || c == '\n') && i > start) {
                out.add(normalized.substring(start, i));
                start = i;
            }
            if (c == '\n') {
                out.add("\n");
                start = i + 1;
            }
        }
        if (start < normalized.length()) {
            out.add(normalized.substring(start));
        }
        return out;
    }

    @Override
    public int[] encode(String text) {
        return encode(text, false);
    }

    /** Token ids of {@code text}, with {@code <s>} in front when {@code addBos}. */
    public int[] encode(String text, boolean addBos) {
        String normalized = normalize(text);
        IntList out = new IntList();
        if (addBos) {
            out.add(BOS);
        }
        if (chunkable) {
            for (String chunk : chunks(normalized)) {
                out.addAll(encodeChunkCached(chunk));
            }
        } else {
            out.addAll(encodeChunk(normalized));
        }
        return out.toArray();
    }

    private synchronized int[] encodeChunkCached(String chunk) {
        int[] hit = cache.get(chunk);
        if (hit == null) {
            hit = encodeChunk(chunk);
            if (cache.size() > 200_000) {
                cache.clear();
            }
            cache.put(chunk, hit);
        }
        return hit;
    }

    // Hugging Face's BPE: start from characters (unknown ones as their UTF-8 byte tokens), then keep
    // applying the lowest-ranked merge among adjacent pairs, leftmost first, until none applies.
    private int[] encodeChunk(String chunk) {
        IntList symbols = new IntList();
        chunk.codePoints().forEach(cp -> {
            String s = new String(Character.toChars(cp));
            Integer id = ids.get(s);
            if (id != null) {
                symbols.add(id);
            } else {
                for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                    symbols.add(FIRST_BYTE + (b & 0xff));
                }
            }
        });
        int[] sym = symbols.toArray();
        int n = sym.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestPos = -1;
            int bestId = -1;
            for (int i = 0; i + 1 < n; i++) {
                int[] m = mergeTable.get(pair(sym[i], sym[i + 1]));
                if (m != null && m[0] < bestRank) {
                    bestRank = m[0];
                    bestPos = i;
                    bestId = m[1];
                }
            }
            if (bestPos < 0) {
                break;
            }
            sym[bestPos] = bestId;
            System.arraycopy(sym, bestPos + 2, sym, bestPos + 1, n - bestPos - 2);
            n--;
        }
        return Arrays.copyOf(sym, n);
    }

    /** Text of {@code ids} as Hugging Face decodes it: specials left out, byte runs as UTF-8, first space dropped. */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= pieces.size()) {
                throw new OrganismException("token id " + id + " is outside the vocabulary (0.." + (pieces.size() - 1) + ")");
            }
            if (id < FIRST_BYTE) {
                continue;
            }
            if (id < FIRST_PIECE) {
                bytes.write(id - FIRST_BYTE);
                continue;
            }
            flushBytes(bytes, text);
            text.append(pieces.get(id).replace(WORD_MARK, " "));
        }
        flushBytes(bytes, text);
        return text.length() > 0 && text.charAt(0) == ' ' ? text.substring(1) : text.toString();
    }

    // Like the ByteFallback decoder: a run of byte tokens that is valid UTF-8 becomes its text,
    // otherwise every byte becomes U+FFFD.
    private static void flushBytes(ByteArrayOutputStream bytes, StringBuilder text) {
        if (bytes.size() == 0) {
            return;
        }
        byte[] b = bytes.toByteArray();
        bytes.reset();
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            text.append(decoder.decode(java.nio.ByteBuffer.wrap(b)));
        } catch (java.nio.charset.CharacterCodingException e) {
            text.append("\uFFFD".repeat(b.length));
        }
    }

    public String piece(int id) {
        return pieces.get(id);
    }

    public int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }

    public int vocabSize() {
        return pieces.size();
    }

    public int mergeCount() {
        return merges.size();
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}, each atomically. */
    public void save(Path dir) {
        // keys sorted: the Map.of literals below iterate in a per-JVM order, and the file must be byte-stable
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        try {
            AtomicFiles.writeString(dir.resolve("tokenizer.json"), mapper.writeValueAsString(tokenizerJson()));
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("add_bos_token", true);
            config.put("add_eos_token", false);
            config.put("bos_token", "<s>");
            config.put("eos_token", "</s>");
            config.put("unk_token", "<unk>");
            config.put("pad_token", null);
            config.put("model_max_length", 1024);
            config.put("clean_up_tokenization_spaces", false);
            config.put("legacy", false);
            config.put("tokenizer_class", "LlamaTokenizerFast");
            AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), mapper.writeValueAsString(config));
        } catch (IOException e) {
            throw new OrganismException("cannot write the tokenizer into " + dir + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> tokenizerJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < SPECIALS.size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", i);
            t.put("content", SPECIALS.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        root.put("added_tokens", added);
        root.put("normalizer", Map.of("type", "Sequence", "normalizers", List.of(
                Map.of("type", "Prepend", "prepend", WORD_MARK),
                Map.of("type", "Replace", "pattern", Map.of("String", " "), "content", WORD_MARK))));
        root.put("pre_tokenizer", null);
        Map<String, Object> bos = Map.of("SpecialToken", Map.of("id", "<s>", "type_id", 0));
        root.put("post_processor", Map.of(
                "type", "TemplateProcessing",
                "single", List.of(bos, Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                "pair", List.of(bos, Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
                        Map.of("Sequence", Map.of("id", "B", "type_id", 0))),
                "special_tokens", Map.of("<s>", Map.of("id", "<s>", "ids", List.of(BOS), "tokens", List.of("<s>")))));
        root.put("decoder", Map.of("type", "Sequence", "decoders", List.of(
                Map.of("type", "Replace", "pattern", Map.of("String", WORD_MARK), "content", " "),
                Map.of("type", "ByteFallback"),
                Map.of("type", "Fuse"),
                Map.of("type", "Strip", "content", " ", "start", 1, "stop", 0))));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<unk>");
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.put("ignore_merges", false);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            vocab.put(pieces.get(i), i);
        }
        model.put("vocab", vocab);
        List<List<String>> mergeList = new ArrayList<>();
        for (int[] m : merges) {
            mergeList.add(List.of(pieces.get(m[0]), pieces.get(m[1])));
        }
        model.put("merges", mergeList);
        root.put("model", model);
        return root;
    }

    /** Reads a {@code tokenizer.json} with a Llama-style byte-fallback BPE model (ours or another's). */
    public static BpeTokenizer load(Path tokenizerJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new OrganismException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText()) || !model.path("byte_fallback").asBoolean(false)) {
            throw new OrganismException(tokenizerJson + ": field model must be a BPE model with byte_fallback true");
        }
        JsonNode vocab = model.path("vocab");
        String[] pieces = new String[vocab.size()];
        for (var it = vocab.fields(); it.hasNext(); ) {
            var e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= pieces.length || pieces[id] != null) {
                throw new OrganismException(tokenizerJson + ": model.vocab['" + e.getKey() + "'] = " + e.getValue()
                        + " is not a free id in 0.." + (pieces.length - 1));
            }
            pieces[id] = e.getKey();
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i);
        }
        List<int[]> merges = new ArrayList<>();
        int r = 0;
        for (JsonNode m : model.path("merges")) {
            String a;
            String b;
            if (m.isArray() && m.size() == 2) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else if (m.isTextual() && m.asText().indexOf(' ') > 0) {
                String s = m.asText();
                a = s.substring(0, s.indexOf(' '));
                b = s.substring(s.indexOf(' ') + 1);
            } else {
                throw new OrganismException(tokenizerJson + ": model.merges[" + r + "] is not a pair: " + m);
            }
            Integer ia = ids.get(a);
            Integer ib = ids.get(b);
            if (ia == null || ib == null) {
                throw new OrganismException(tokenizerJson + ": model.merges[" + r + "] uses '" + (ia == null ? a : b)
                        + "', which is not in model.vocab");
            }
            merges.add(new int[] {ia, ib});
            r++;
        }
        return new BpeTokenizer(Arrays.asList(pieces), merges);
    }

    /** A growable int array, to keep token lists out of boxed collections. */
    static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(int[] values) {
            for (int v : values) {
                add(v);
            }
        }

        int size() {
            return size;
        }

        int get(int i) {
            return data[i];
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
