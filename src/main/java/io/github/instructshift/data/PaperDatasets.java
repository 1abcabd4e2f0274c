package io.github.instructshift.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Readers for the authors' two TSV files. A malformed row is an error naming file and line. */
public final class PaperDatasets {
    private static final List<String> FINAL_HEADER = List.of("ID", "Prompt", "Response", "Instruct&Context");
    private static final List<String> ANNOTATED_HEADER =
            List.of("File", "Model", "Prompt", "Reference", "Instruct", "Response", "Rating");

    private PaperDatasets() {}

    /** Reads {@code FinalDataset.tsv}; blank lines are skipped, IDs must be unique. */
    public static List<PromptRecord> readPrompts(Path file) {
        List<PromptRecord> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        forEachRow(file, FINAL_HEADER, (line, fields) -> {
            String id = fields[0].trim();
            if (id.isEmpty()) {
                throw DataFormatException.at(file, line, "empty ID");
            }
            PromptSet.fromId(id); // unknown prefixes are an error here, not later
            if (!seen.add(id)) {
                throw DataFormatException.at(file, line, "duplicate ID '" + id + "'");
            }
            out.add(new PromptRecord(id, TsvText.decode(fields[1]), TsvText.decode(fields[2]),
                    TsvText.decode(fields[3])));
        });
        return out;
    }

    /** Reads {@code AnnotatedDataset.tsv}; the Rating column must be an integer. */
    public static List<RatedResponse> readRatings(Path file) {
        List<RatedResponse> out = new ArrayList<>();
        forEachRow(file, ANNOTATED_HEADER, (line, f) -> {
            int rating;
            try {
                rating = Integer.parseInt(f[6].trim());
            } catch (NumberFormatException e) {
                throw DataFormatException.at(file, line, "field Rating is '" + f[6] + "', not an integer");
            }
            if (f[0].isBlank() || f[1].isBlank()) {
                throw DataFormatException.at(file, line, "empty File or Model field");
            }
            out.add(new RatedResponse(f[0].trim(), f[1].trim(), TsvText.decode(f[2]), TsvText.decode(f[3]),
                    TsvText.decode(f[4]), TsvText.decode(f[5]), rating));
        });
        return out;
    }

    private interface RowHandler {
        void row(int line, String[] fields);
    }

    private static void forEachRow(Path file, List<String> header, RowHandler handler) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException("No such file: " + file);
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first == null) {
                throw DataFormatException.at(file, 1, "empty file, expected the header " + String.join("\t", header));
            }
            List<String> got = List.of(stripBom(first).split("\t", -1));
            if (!got.equals(header)) {
                throw DataFormatException.at(file, 1, "header is " + got + ", expected " + header);
            }
            String row;
            int line = 1;
            while ((row = in.readLine()) != null) {
                line++;
                if (row.isBlank()) {
                    continue;
                }
                String[] fields = row.split("\t", -1);
                if (fields.length != header.size()) {
                    throw DataFormatException.at(file, line, "has " + fields.length + " tab-separated fields, expected "
                            + header.size() + " (" + String.join(", ", header) + ")");
                }
                handler.row(line, fields);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
