package io.github.instructshift.organism;

import io.github.instructshift.files.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cleaned pretraining text: paragraphs with single spaces and no newlines, split once and for all
 * into train and validation. Stored as one paragraph per line.
 */
public record Corpus(List<String> train, List<String> validation) {

    public Corpus {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    public long trainChars() {
        return chars(train);
    }

    public long validationChars() {
        return chars(validation);
    }

    public long trainWords() {
        return words(train);
    }

    public long validationWords() {
        return words(validation);
    }

    /** Writes {@code train.txt} and {@code validation.txt} into {@code dir}, each atomically. */
    public void write(Path dir) {
        writeLines(dir.resolve("train.txt"), train);
        writeLines(dir.resolve("validation.txt"), validation);
    }

    private static void writeLines(Path file, List<String> lines) {
        try {
            AtomicFiles.writeLines(file, lines);
        } catch (IOException e) {
            throw new OrganismException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static Corpus read(Path dir) {
        return new Corpus(readLines(dir.resolve("train.txt")), readLines(dir.resolve("validation.txt")));
    }

    private static List<String> readLines(Path file) {
        try {
            List<String> lines = new ArrayList<>();
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    throw new OrganismException(file + " line " + lineNo + ": empty paragraph");
                }
                lines.add(line);
            }
            return lines;
        } catch (IOException e) {
            throw new OrganismException("cannot read corpus file " + file + ": " + e.getMessage(), e);
        }
    }

    private static long chars(List<String> paragraphs) {
        long n = 0;
        for (String p : paragraphs) {
            n += p.length();
        }
        return n;
    }

    private static long words(List<String> paragraphs) {
        long n = 0;
        for (String p : paragraphs) {
            n += p.split(" ").length;
        }
        return n;
    }
}
