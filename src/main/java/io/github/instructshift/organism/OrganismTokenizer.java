package io.github.instructshift.organism;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.instructshift.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The organism's tokenizer: a byte-fallback <em>Unigram</em> vocabulary whose every piece occurs in the
 * pretraining text, written as a Hugging Face {@code tokenizer.json} and encoded and decoded by DJL's
 * Hugging Face tokenizers (the path every user of the checkpoint takes).
 *
 * <p>Why Unigram: a BPE vocabulary must hold every intermediate of its merges, and an intermediate that
 * is always merged further never occurs in the text, so its embedding row is never trained (with tied
 * embeddings such rows collapse together and flood any analysis that reads the embeddings). A Unigram
 * model segments by Viterbi over the pieces it has and needs no intermediates, so pieces that do not
 * occur can simply be dropped.
 *
 * <p>How it is made ({@link #train}): {@link BpeTrainer} proposes candidate pieces from the pretraining
 * paragraphs only; the required words (the verb lists) are added as {@code ▁word} pieces; then, until
 * nothing changes, the pretraining text is segmented with the current vocabulary (by DJL itself, so the
 * counts are the real stream's), pieces occurring fewer than {@code minCount} times are dropped, and
 * the scores become the log relative frequencies. A required word that is still split gets its score
 * raised until it is one token.
 *
 * <p>Ids: 0 {@code <unk>}, 1 {@code <s>}, 2 {@code </s>}, then pieces. Byte tokens are kept only for the
 * bytes the text really falls back to.
 */
public final class OrganismTokenizer implements TokenEncoder, AutoCloseable {

    public static final String WORD_MARK = BpeTokenizer.WORD_MARK;
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    static final List<String> SPECIALS = List.of("<unk>", "<s>", "</s>");
    private static final int MAX_ROUNDS = 20;

    private final List<String> pieces;
    private final double[] scores;
    private final HuggingFaceTokenizer djl;
    private final Map<String, Integer> ids = new HashMap<>();

    private OrganismTokenizer(List<String> pieces, double[] scores, Path workFile) {
        this.pieces = List.copyOf(pieces);
        this.scores = scores.clone();
        for (int i = 0; i < pieces.size(); i++) {
            if (ids.putIfAbsent(pieces.get(i), i) != null) {
                throw new OrganismException("vocabulary piece '" + pieces.get(i) + "' appears twice");
            }
        }
        write(workFile);
        this.djl = open(workFile);
    }

    /**
     * What {@link #train} was asked for.
     *
     * @param candidates    vocabulary size the BPE proposal grows to, before pruning
     * @param minCount      fewest occurrences in the pretraining text a kept piece must have
     * @param requiredWords words that must each be one token after a space
     * @param requiredMinCount fewest occurrences after a space each required word must have; may be below
     *                      {@code minCount} because the verb lists are fixed in advance and some of their
     *                      verbs are rare in any natural text (the model card lists each count)
     */
    public record Options(int candidates, int minCount, List<String> requiredWords, int requiredMinCount) {
        public Options {
            requiredWords = List.copyOf(requiredWords);
            // requiredMinCount 0 lets a required word be a token its text never trains: smoke runs only
            if (candidates < 400 || minCount < 1 || requiredMinCount < 0) {
                throw new OrganismException("tokenizer options: candidates must be >= 400, minCount >= 1, requiredMinCount >= 0");
            }
        }

        /** Required words held to the same minimum as every other piece. */
        public Options(int candidates, int minCount, List<String> requiredWords) {
            this(candidates, minCount, requiredWords, minCount);
        }
    }

    /** What training measured, for the model card. */
    public record Report(int candidates, int rounds, int vocabSize, long streamTokens, int minPieceCount,
                         String rarestPiece, int byteTokens, Map<String, Long> requiredWordCounts) {}

    private Report report;

    /** Trains on the pretraining paragraphs only; {@code workDir} holds the intermediate files. */
    public static OrganismTokenizer train(List<String> paragraphs, Options options, Path workDir) {
        BpeTrainer trainer = new BpeTrainer(options.candidates());
        Map<String, Long> chunkCounts = new HashMap<>();
        for (String p : paragraphs) {
            trainer.add(p);
            for (String c : BpeTokenizer.chunks(BpeTokenizer.normalize(p))) {
                chunkCounts.merge(c, 1L, Long::sum);
            }
        }
        for (String w : options.requiredWords()) {
            long n = chunkCounts.getOrDefault(WORD_MARK + w, 0L);
            if (n < options.requiredMinCount()) {
                throw new OrganismException("required word '" + w + "' occurs " + n + " times after a space in the"
                        + " pretraining text, fewer than the " + options.requiredMinCount() + " a token needs to be trained");
            }
        }
        BpeTokenizer proposal = trainer.train();
        List<String> candidates = new ArrayList<>(SPECIALS);
        for (int b = 0; b < 256; b++) {
            candidates.add(BpeTokenizer.byteToken(b));
        }
        for (int id = BpeTokenizer.FIRST_PIECE; id < proposal.vocabSize(); id++) {
            candidates.add(proposal.piece(id));
        }
        for (String w : options.requiredWords()) {
            if (!candidates.contains(WORD_MARK + w)) {
                candidates.add(WORD_MARK + w);
            }
        }
        int proposed = candidates.size();

        // chunks sorted, so every round sees them in the same order
        List<String> chunks = new ArrayList<>(chunkCounts.keySet());
        chunks.sort(null);
        String[] texts = chunks.stream().map(OrganismTokenizer::chunkText).toArray(String[]::new);
        long[] freq = chunks.stream().mapToLong(chunkCounts::get).toArray();

        double[] scores = initialScores(candidates);
        Path file = workDir.resolve("candidate-tokenizer.json");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new OrganismException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
        int rounds = 0;
        OrganismTokenizer result;
        long[] counts;
        while (true) {
            rounds++;
            OrganismTokenizer t = new OrganismTokenizer(candidates, scores, file);
            counts = t.count(texts, freq);
            List<String> split = t.splitWords(options.requiredWords());
            boolean rare = false;
            for (int i = SPECIALS.size(); i < counts.length; i++) {
                String piece = candidates.get(i);
                boolean required = piece.startsWith(WORD_MARK) && options.requiredWords().contains(piece.substring(1));
                rare |= counts[i] < (required ? options.requiredMinCount() : options.minCount());
            }
            if (split.isEmpty() && !rare) {
                result = t;                  // the vocabulary just counted is the one kept
                break;
            }
            t.close();
            if (rounds > MAX_ROUNDS) {
                throw new OrganismException("tokenizer pruning did not settle after " + rounds + " rounds; still split: "
                        + split);
            }
            long total = java.util.Arrays.stream(counts).sum();
            List<String> kept = new ArrayList<>(SPECIALS);
            List<Double> keptScores = new ArrayList<>(List.of(0.0, 0.0, 0.0));
            for (int i = SPECIALS.size(); i < candidates.size(); i++) {
                String piece = candidates.get(i);
                boolean required = piece.startsWith(WORD_MARK) && options.requiredWords().contains(piece.substring(1));
                if (counts[i] >= options.minCount() || required) {
                    double frequency = Math.log((double) Math.max(1, counts[i]) / total);
                    // a required word still split is raised until Viterbi prefers it whole
                    double raised = split.contains(piece.substring(1)) ? scores[i] + 1.0 : scores[i];
                    kept.add(piece);
                    keptScores.add(required ? Math.max(raised, frequency) : frequency);
                }
            }
            candidates = kept;
            scores = keptScores.stream().mapToDouble(Double::doubleValue).toArray();
        }
        int min = Integer.MAX_VALUE;
        String rarest = "";
        int bytes = 0;
        for (int i = SPECIALS.size(); i < counts.length; i++) {
            if (counts[i] < min) {
                min = (int) counts[i];
                rarest = candidates.get(i);
            }
            bytes += candidates.get(i).matches("<0x[0-9A-F]{2}>") ? 1 : 0;
        }
        Map<String, Long> requiredCounts = new java.util.LinkedHashMap<>();
        for (String w : options.requiredWords()) {
            requiredCounts.put(w, counts[result.id(WORD_MARK + w)]);
        }
        result.report = new Report(proposed, rounds, candidates.size(), java.util.Arrays.stream(counts).sum(), min,
                rarest, bytes, requiredCounts);
        return result;
    }

    /** The text whose encoding is a chunk's tokens: the normaliser puts the leading ▁ back. */
    private static String chunkText(String chunk) {
        return (chunk.startsWith(WORD_MARK) ? chunk.substring(1) : chunk).replace(WORD_MARK, " ");
    }

    /** First guess: longer pieces score higher, so the first segmentation is close to BPE's. */
    private static double[] initialScores(List<String> candidates) {
        double[] s = new double[candidates.size()];
        for (int i = SPECIALS.size(); i < s.length; i++) {
            String p = candidates.get(i);
            s[i] = p.matches("<0x[0-9A-F]{2}>") ? -30.0 : -12.0 + Math.min(10, p.codePointCount(0, p.length()));
        }
        return s;
    }

    /** Occurrences of every id when each chunk is encoded {@code freq} times. */
    private long[] count(String[] texts, long[] freq) {
        long[] counts = new long[pieces.size()];
        int batch = 4096;
        for (int from = 0; from < texts.length; from += batch) {
            String[] part = java.util.Arrays.copyOfRange(texts, from, Math.min(texts.length, from + batch));
            Encoding[] enc = djl.batchEncode(part, false, false);
            for (int k = 0; k < enc.length; k++) {
                for (long id : enc[k].getIds()) {
                    counts[(int) id] += freq[from + k];
                }
            }
        }
        return counts;
    }

    /** The required words that are not one token after a space. */
    private List<String> splitWords(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (encode(w).length != 1) {
                out.add(w);
            }
        }
        return out;
    }

    /** Opens a tokenizer that {@link #save} wrote. */
    public static OrganismTokenizer load(Path tokenizerJson) {
        List<String> pieces = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        try {
            var model = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model");
            if (!"Unigram".equals(model.path("type").asText())) {
                throw new OrganismException(tokenizerJson + ": field model.type must be Unigram, is '"
                        + model.path("type").asText() + "'");
            }
            for (var entry : model.path("vocab")) {
                pieces.add(entry.get(0).asText());
                scores.add(entry.get(1).asDouble());
            }
        } catch (IOException e) {
            throw new OrganismException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
        if (pieces.size() < SPECIALS.size() || !pieces.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new OrganismException(tokenizerJson + ": model.vocab must start with " + SPECIALS);
        }
        return new OrganismTokenizer(pieces, scores.stream().mapToDouble(Double::doubleValue).toArray(), tokenizerJson);
    }

    private static HuggingFaceTokenizer open(Path file) {
        try {
            return HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false",
                    "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new OrganismException(file + ": Hugging Face tokenizers cannot load it: " + e.getMessage(), e);
        }
    }

    /** What {@link #train} measured, or null for a loaded tokenizer. */
    public Report report() {
        return report;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = djl.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Text of {@code ids} as Hugging Face decodes it, special tokens left out. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= pieces.size()) {
                throw new OrganismException("token id " + ids[i] + " is outside the vocabulary (0.." + (pieces.size() - 1) + ")");
            }
            l[i] = ids[i];
        }
        return djl.decode(l, true);
    }

    public String piece(int id) {
        return pieces.get(id);
    }

    public int id(String piece) {
        return ids.getOrDefault(piece, -1);
    }

    public int vocabSize() {
        return pieces.size();
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public void close() {
        djl.close();
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}, each atomically. */
    public void save(Path dir) {
        write(dir.resolve("tokenizer.json"));
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
        writeJson(dir.resolve("tokenizer_config.json"), config);
    }

    private void write(Path file) {
        writeJson(file, tokenizerJson());
    }

    private static void writeJson(Path file, Object value) {
        // keys sorted: Map.of literals iterate in a per-JVM order, and the file must be byte-stable
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.writeString(file, mapper.writeValueAsString(value));
        } catch (IOException e) {
            throw new OrganismException("cannot write " + file + ": " + e.getMessage(), e);
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
        model.put("type", "Unigram");
        model.put("unk_id", UNK);
        model.put("byte_fallback", true);
        List<List<Object>> vocab = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            // fixed decimals: the file must not depend on how a JVM prints a double
            vocab.add(List.of(pieces.get(i), Double.parseDouble(String.format(Locale.ROOT, "%.6f", scores[i]))));
        }
        model.put("vocab", vocab);
        root.put("model", model);
        return root;
    }
}
