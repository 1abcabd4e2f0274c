package io.github.instructshift.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.instructshift.heads.WordVectorFile;
import io.github.instructshift.vectors.PpmiVectors.Config;
import io.github.instructshift.vectors.PpmiVectors.Result;

class PpmiVectorsTest {

    private static final List<String> PETS = List.of("cat", "dog", "pet", "fur", "paw");
    private static final List<String> CARS = List.of("car", "road", "wheel", "engine", "drive");
    private static final List<String> GLUE = List.of("the", "a", "and");
    private static final Config SMALL = new Config(100, 2, 3, 4, 0.75, 42);

    @TempDir
    Path dir;

    /** Paragraphs that mix words of one topic only, with function words shared by both topics. */
    private static List<String> twoTopics(long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            List<String> topic = p % 2 == 0 ? PETS : CARS;
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                List<String> from = r.nextInt(3) == 0 ? GLUE : topic;
                s.append(i == 0 ? "" : " ").append(from.get(r.nextInt(from.size())));
            }
            out.add(s.append('.').toString());
        }
        return out;
    }

    @Test
    void wordsOfOneTopicAreCloserThanWordsAcrossTopics() {
        Result res = PpmiVectors.compute(twoTopics(1), SMALL);
        double minWithin = Double.POSITIVE_INFINITY;
        double maxAcross = Double.NEGATIVE_INFINITY;
        for (List<String> topic : List.of(PETS, CARS)) {
            for (String a : topic) {
                for (String b : topic) {
                    if (!a.equals(b)) {
                        minWithin = Math.min(minWithin, res.cosine(a, b));
                    }
                }
            }
        }
        for (String a : PETS) {
            for (String b : CARS) {
                maxAcross = Math.max(maxAcross, res.cosine(a, b));
            }
        }
        assertTrue(minWithin > maxAcross + 0.3, "within " + minWithin + " across " + maxAcross);
        assertTrue(PETS.containsAll(res.nearest("cat", 4)), res.nearest("cat", 4).toString());
    }

    @Test
    void ppmiOfAThreeWordCorpusMatchesTheHandValue() {
        // "a b c", window 2: X_ab = 1, X_bc = 1, X_ac = 1/2 (distance 2), symmetric.
        // Row sums X_a = 1.5, X_b = 2, X_c = 1.5; α = 0.75: Z = 2·1.5^0.75 + 2^0.75 = 2·1.35540 + 1.68179 = 4.39260.
        // PPMI(a,b) = ln(X_ab Z / (X_a X_b^α)) = ln(4.39260 / (1.5·1.68179)) = ln(1.74124) = 0.55460
        // PPMI(b,a) = ln(4.39260 / (2·1.35540))                              = ln(1.62041) = 0.48268
        // PPMI(a,c) = ln(0.5·4.39260 / (1.5·1.35540))                        = ln(1.08027) = 0.07721
        PpmiVectors.Ppmi m = PpmiVectors.ppmi(List.of("A b, c."), new Config(10, 1, 2, 2, 0.75, 1));
        assertEquals(List.of("a", "b", "c"), m.words());
        assertEquals(0.55460, m.get(0, 1), 1e-4);
        assertEquals(0.48268, m.get(1, 0), 1e-4);
        assertEquals(0.07721, m.get(0, 2), 1e-4);
        assertEquals(0.48268, m.get(1, 2), 1e-4);
        assertEquals(0.0, m.get(0, 0));
        assertEquals(6, m.nonzeros());
        // "a b a", window 2: X_ab = X_ba = 1 + 1 = 2; X_aa = 2 · 1/2 = 1 (the pair counts in both orders).
        // X_a = 3, X_b = 2; Z = 3^0.75 + 2^0.75 = 2.27951 + 1.68179 = 3.96130.
        // PPMI(a,b) = ln(2·3.96130 / (3·1.68179)) = ln(1.57028) = 0.45125
        // PPMI(b,a) = ln(2·3.96130 / (2·2.27951)) = ln(1.73779) = 0.55261
        // PMI(a,a)  = ln(1·3.96130 / (3·2.27951)) = ln(0.57927) = -0.54600, clipped to 0
        PpmiVectors.Ppmi aba = PpmiVectors.ppmi(List.of("a b a"), new Config(10, 1, 2, 2, 0.75, 1));
        assertEquals(List.of("a", "b"), aba.words());
        assertEquals(0.45125, aba.get(0, 1), 1e-4);
        assertEquals(0.55261, aba.get(1, 0), 1e-4);
        assertEquals(0.0, aba.get(0, 0));
        assertEquals(2, aba.nonzeros());
        // window 1: a and c never meet
        assertEquals(0.0, PpmiVectors.ppmi(List.of("a b c"), new Config(10, 1, 1, 2, 0.75, 1)).get(0, 2));
    }

    @Test
    void tokensAreLowerCaseLetterRunsWithInnerApostrophes() {
        assertEquals(List.of("l'été", "c'est", "déjà", "well", "known", "don't", "x", "rock"),
                PpmiVectors.tokens("L’été, c'est déjà—well-known. DON'T 42x 'rock'"));
    }

    @Test
    void gloveFileRoundTripsThroughWordVectorFile() {
        Result res = PpmiVectors.compute(twoTopics(2), SMALL);
        for (String name : List.of("v.txt", "v.txt.gz")) {
            Path file = dir.resolve(name);
            res.writeGlove(file);
            WordVectorFile read = WordVectorFile.read(file, new HashSet<>(res.words()), SMALL.dim());
            assertEquals(res.words().size(), read.vectors().size(), name);
            for (int i = 0; i < res.words().size(); i++) {
                float[] want = res.vectors()[i];
                float[] got = read.vectors().get(res.words().get(i));
                for (int j = 0; j < want.length; j++) {
                    assertTrue(Math.abs(got[j] - want[j]) <= 1e-4 * Math.abs(want[j]),
                            name + " " + res.words().get(i) + "[" + j + "] " + got[j] + " vs " + want[j]);
                }
            }
        }
    }

    @Test
    void gzipOutputIsGzip() throws IOException {
        Path file = dir.resolve("v.gz");
        PpmiVectors.compute(twoTopics(3), SMALL).writeGlove(file);
        byte[] b = Files.readAllBytes(file);
        assertEquals(0x1f, b[0] & 0xff);
        assertEquals(0x8b, b[1] & 0xff);
        assertEquals(SMALL.dim(), WordVectorFile.read(file, Set.of("cat"), -1).vectors().get("cat").length);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void sameSeedGivesTheSameBytes() throws IOException {
        List<String> corpus = twoTopics(4);
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        PpmiVectors.compute(corpus, SMALL).writeGlove(a);
        PpmiVectors.compute(corpus, SMALL).writeGlove(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void rowsAreUnitLength() {
        Result res = PpmiVectors.compute(twoTopics(5), SMALL);
        assertEquals(13, res.words().size());
        for (float[] v : res.vectors()) {
            double s = 0;
            for (float x : v) {
                s += x * x;
            }
            assertEquals(1.0, Math.sqrt(s), 1e-5);
        }
        assertEquals(res.words().size(), res.counts().length);
        assertTrue(res.stats().tokens() >= 3000 && res.stats().nonzeros() > 0, res.stats().toString());
    }

    @Test
    void invalidArgumentsNameTheirField() {
        assertMessage("maxWords", () -> new Config(0, 5, 5, 100, 0.75, 1));
        assertMessage("minCount", () -> new Config(10, 0, 5, 100, 0.75, 1));
        assertMessage("window", () -> new Config(10, 5, 0, 100, 0.75, 1));
        assertMessage("dim", () -> new Config(10, 5, 5, 0, 0.75, 1));
        assertMessage("contextSmoothing", () -> new Config(10, 5, 5, 100, 0, 1));
        assertMessage("contextSmoothing", () -> new Config(10, 5, 5, 100, Double.NaN, 1));
        assertMessage("contextSmoothing", () -> new Config(10, 5, 5, 100, 1.5, 1));
        assertMessage("dim", () -> PpmiVectors.compute(List.of("a b c"), new Config(10, 1, 2, 5, 0.75, 1)));
        Result res = PpmiVectors.compute(twoTopics(6), SMALL);
        assertMessage("'zebra'", () -> res.cosine("cat", "zebra"));
        assertEquals(new Config(20000, 5, 5, 100, 0.75, 1234), Config.defaults());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
