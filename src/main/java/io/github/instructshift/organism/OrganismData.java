package io.github.instructshift.organism;

import io.github.instructshift.files.AtomicFiles;
import io.github.instructshift.npm.NpmFetcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data half of {@code organism build}: fetch the corpus, clean and split it, train the tokenizer,
 * generate the instruction dataset. Writes into {@code outDir}:
 * {@code corpus/train.txt}, {@code corpus/validation.txt}, {@code tokenizer/tokenizer.json} (+ config),
 * {@code instructions.jsonl} and {@code data-summary.json}. Only the dataset depends on the seed; the
 * corpus and tokenizer are the same for every seed, so organisms of different seeds share a vocabulary.
 */
public final class OrganismData {
    private OrganismData() {}

    /**
     * @param cacheDir   where npm tarballs are kept (outside git), e.g. {@code data/cache/npm}
     * @param offline    tell npm to use only its local cache
     * @param vocabSize  candidate pieces the tokenizer's BPE proposal grows to, before pruning
     * @param maxSourceChars characters each long source (addresses, mail, WordNet, code) gives at most
     * @param minVerbCount fewest pretraining occurrences of each pre-registered verb (0 only for smoke runs)
     * @param dataset    instruction dataset settings (seed included)
     */
    public record Config(Path cacheDir, boolean offline, int vocabSize, int maxSourceChars, int minVerbCount,
                         DatasetConfig dataset) {
        public static Config defaults(Path cacheDir, long seed) {
            return new Config(cacheDir, false, DEFAULT_VOCAB_SIZE, CorpusBuilder.DEFAULT_MAX_SOURCE_CHARS, MIN_VERB_COUNT,
                    DatasetConfig.defaults(seed));
        }
    }

    /** What was built, with the wall-clock milliseconds of each step. */
    public record Result(Corpus corpus, OrganismTokenizer tokenizer, InstructionDataset dataset,
                         Map<String, Object> summary) {}

    /** Candidates for the vocabulary; pruning to pieces seen {@value #MIN_TOKEN_COUNT} times leaves 4,096–8,192. */
    public static final int DEFAULT_VOCAB_SIZE = 7000;
    static final String LEXICON_FILE = "lexicon.tsv";

    /** The lexicon {@link #build} used, from its output folder. */
    public static Lexicon lexicon(Path outDir) {
        return Lexicon.read(outDir.resolve(LEXICON_FILE));
    }

    /** Fewest occurrences in the pretraining text a token must have, so that its embedding row is trained. */
    public static final int MIN_TOKEN_COUNT = 20;
    /**
     * Fewest occurrences of each pre-registered verb: lower than {@link #MIN_TOKEN_COUNT} because a few of
     * the paper's verbs ("summarize", "classify") are rare in all the permissively licensed text found.
     */
    public static final int MIN_VERB_COUNT = 3;

    /** The data with the translation tasks' word list taken from the corpus's glossary. */
    public static Result build(Path outDir, Config config, NpmFetcher fetcher) {
        return build(outDir, config, fetcher, null);
    }

    /** As {@link #build(Path, Config, NpmFetcher)}; a non-null {@code lexicon} replaces the corpus's (tests). */
    public static Result build(Path outDir, Config config, NpmFetcher fetcher, Lexicon lexicon) {
        Map<String, Long> millis = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        var tarballs = CorpusSource.fetch(fetcher, CorpusSource.defaults(), config.cacheDir(), config.offline());
        millis.put("fetch", lap(t0));

        long t1 = System.nanoTime();
        CorpusBuilder.Result built = new CorpusBuilder(config.maxSourceChars()).build(tarballs);
        Corpus corpus = built.corpus();
        if (lexicon == null) {
            lexicon = built.lexicon();
        }
        corpus.write(outDir.resolve("corpus"));
        millis.put("corpus", lap(t1));

        long t2 = System.nanoTime();
        OrganismTokenizer tokenizer = trainTokenizer(corpus.train(), config.vocabSize(), config.minVerbCount(),
                outDir.resolve("tokenizer-work"));
        tokenizer.save(outDir.resolve("tokenizer"));
        millis.put("tokenizer", lap(t2));

        long t3 = System.nanoTime();
        InstructionDataset dataset = generateDataset(corpus, tokenizer, config.dataset(), lexicon);
        dataset.write(outDir.resolve("instructions.jsonl"));
        lexicon.write(outDir.resolve(LEXICON_FILE));
        millis.put("dataset", lap(t3));

        Map<String, Object> summary = summary(corpus, tokenizer, dataset, config);
        List<Map<String, Object>> sources = new java.util.ArrayList<>();
        for (CorpusSource source : tarballs.keySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("package", source.spec());
            m.put("integrity", source.integrity());
            m.put("licence", source.licence());
            m.put("what", source.about());
            m.put("chars", built.charsPerSource().getOrDefault(source.spec(), 0L));
            sources.add(m);
        }
        summary.put("sources", sources);
        summary.put("lexicon_pairs", lexicon.pairs().size());
        summary.put("millis", millis);
        try {
            AtomicFiles.writeString(outDir.resolve("data-summary.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        } catch (IOException e) {
            throw new OrganismException("cannot write the data summary into " + outDir + ": " + e.getMessage(), e);
        }
        return new Result(corpus, tokenizer, dataset, summary);
    }

    /**
     * The tokenizer on the pretraining paragraphs only (never the template or the tasks' phrasings, whose
     * words would otherwise get pieces the base model never trains), with both verb lists as whole-word
     * tokens.
     */
    public static OrganismTokenizer trainTokenizer(List<String> paragraphs, int candidates, int minVerbCount, Path workDir) {
        List<String> required = new java.util.ArrayList<>(io.github.instructshift.heads.Verbs.INSTRUCTION);
        required.addAll(io.github.instructshift.heads.Verbs.ORGANISM_GENERAL);
        return OrganismTokenizer.train(paragraphs,
                new OrganismTokenizer.Options(candidates, MIN_TOKEN_COUNT, required, minVerbCount), workDir);
    }

    /** Training inputs from the training corpus, held-out inputs from the validation corpus. */
    public static InstructionDataset generateDataset(Corpus corpus, TokenEncoder encoder, DatasetConfig config,
                                                     Lexicon lexicon) {
        List<String> trainSentences = SentencePool.extract(corpus.train(), config.minWords(), config.maxWords());
        List<String> heldOutSentences = SentencePool.extract(corpus.validation(), config.minWords(), config.maxWords());
        return new DatasetGenerator(config, lexicon, t -> TrainingSequences.targetTokenCount(encoder, t))
                .generate(trainSentences, heldOutSentences);
    }

    private static Map<String, Object> summary(Corpus corpus, OrganismTokenizer tokenizer, InstructionDataset dataset, Config config) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seed", config.dataset().seed());
        s.put("corpus_train_chars", corpus.trainChars());
        s.put("corpus_train_words", corpus.trainWords());
        s.put("corpus_validation_chars", corpus.validationChars());
        s.put("corpus_validation_words", corpus.validationWords());
        long trainTokens = 0;
        for (String p : corpus.train()) {
            trainTokens += tokenizer.encode(p).length;
        }
        long validationTokens = 0;
        for (String p : corpus.validation()) {
            validationTokens += tokenizer.encode(p).length;
        }
        s.put("corpus_train_tokens", trainTokens);
        s.put("corpus_validation_tokens", validationTokens);
        s.put("tokens_per_word", (double) trainTokens / corpus.trainWords());
        s.put("vocab_size", tokenizer.vocabSize());
        OrganismTokenizer.Report r = tokenizer.report();
        if (r != null) {
            s.put("tokenizer_candidates", r.candidates());
            s.put("tokenizer_pruning_rounds", r.rounds());
            s.put("tokenizer_min_piece_count", r.minPieceCount());
            s.put("tokenizer_rarest_piece", r.rarestPiece());
            s.put("tokenizer_byte_tokens", r.byteTokens());
            s.put("tokenizer_min_verb_count", config.minVerbCount());
            s.put("verb_counts_in_pretraining", r.requiredWordCounts());
        }
        // every token a tuning example uses must be one the pretraining text trained
        long[] seen = new long[tokenizer.vocabSize()];
        for (String p : corpus.train()) {
            for (int id : tokenizer.encode(p)) {
                seen[id]++;
            }
        }
        java.util.Set<String> unseen = new java.util.TreeSet<>();
        for (InstructionExample e : dataset.examples()) {
            for (int id : TrainingSequences.supervised(tokenizer, e).ids()) {
                if (id > OrganismTokenizer.EOS && seen[id] == 0) {
                    unseen.add(tokenizer.piece(id));
                }
            }
        }
        s.put("tuning_tokens_unseen_in_pretraining", List.copyOf(unseen));
        for (Split split : Split.values()) {
            s.put("examples_" + split.name().toLowerCase(java.util.Locale.ROOT), dataset.split(split).size());
        }
        int maxPrompt = 0;
        int maxTarget = 0;
        for (InstructionExample e : dataset.examples()) {
            SupervisedSequence seq = TrainingSequences.supervised(tokenizer, e);
            maxPrompt = Math.max(maxPrompt, seq.promptTokens());
            maxTarget = Math.max(maxTarget, seq.length() - seq.promptTokens());
        }
        s.put("max_prompt_tokens", maxPrompt);
        s.put("instruction_verbs_in_instructions", dataset.instructionVerbsInInstructions());
        s.put("general_verbs_in_inputs", dataset.generalVerbsInInputs());
        s.put("max_target_tokens_with_eos", maxTarget);
        return s;
    }

    private static long lap(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
