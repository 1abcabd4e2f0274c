package io.github.instructshift.attribution;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.instructshift.data.PromptSet;
import io.github.instructshift.files.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The attribution of one prompt's response under one model.
 *
 * @param id              prompt ID
 * @param model           model name (e.g. a checkpoint directory name)
 * @param role            base or instruction-tuned
 * @param promptFormat    how the prompt was wrapped before the model saw it (e.g. "plain", "vicuna")
 * @param promptTokens    prompt tokens without BOS
 * @param responseTokens  generated response tokens
 * @param raw             raw gradient×input matrix {@code [prompt][response]}, or null (released data has none)
 * @param levels          levels 0..L per response token, no threshold
 * @param threshold       the threshold b the densities were computed with
 * @param densities       importance density per prompt token (max-normalised)
 * @param instructionMask which prompt tokens are instruction
 * @param unmatched       annotated instruction fragments found in no prompt sentence
 * @param score           instruction score
 */
public record AttributionResult(
        String id,
        String model,
        ModelRole role,
        String promptFormat,
        List<String> promptTokens,
        List<String> responseTokens,
        double[][] raw,
        double[][] levels,
        int threshold,
        double[] densities,
        boolean[] instructionMask,
        List<String> unmatched,
        double score) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public AttributionResult {
        // a stored file edited by hand can leave any field out: name it rather than fail on a null later
        required(id, "id", id);
        required(promptTokens, "promptTokens", id);
        required(responseTokens, "responseTokens", id);
        required(levels, "levels", id);
        required(densities, "densities", id);
        required(instructionMask, "instructionMask", id);
        check(promptTokens.stream().noneMatch(java.util.Objects::isNull)
                && responseTokens.stream().noneMatch(java.util.Objects::isNull), id, "a token is null");
        promptTokens = List.copyOf(promptTokens);
        responseTokens = List.copyOf(responseTokens);
        unmatched = unmatched == null ? List.of() : List.copyOf(unmatched);
        check(levels.length == promptTokens.size(), id, "levels have " + levels.length + " rows for "
                + promptTokens.size() + " prompt tokens");
        for (double[] row : levels) {
            check(row != null && row.length == responseTokens.size(), id, "a levels row has "
                    + (row == null ? "no" : row.length) + " columns for " + responseTokens.size() + " response tokens");
        }
        if (raw != null) {
            check(raw.length == levels.length, id, "the raw matrix has " + raw.length + " rows for "
                    + levels.length + " prompt tokens");
            for (double[] row : raw) {
                check(row != null && row.length == responseTokens.size(), id, "a raw row has "
                        + (row == null ? "no" : row.length) + " columns for " + responseTokens.size()
                        + " response tokens");
            }
        }
        check(densities.length == promptTokens.size(), id, "densities do not cover the prompt tokens");
        check(instructionMask.length == promptTokens.size(), id, "instruction mask does not cover the prompt tokens");
    }

    private static void required(Object value, String field, String id) {
        check(value != null, id, "field '" + field + "' is missing");
    }

    private static void check(boolean ok, String id, String what) {
        if (!ok) {
            throw new AttributionException("attribution result " + id + ": " + what);
        }
    }

    /** Scores a raw gradient×input matrix: levels (L = 10), threshold b, densities, instruction score. */
    public static AttributionResult fromRaw(String id, String model, ModelRole role, String promptFormat,
                                            List<String> promptTokens, List<String> responseTokens,
                                            double[][] raw, boolean[] instructionMask, List<String> unmatched) {
        double[][] levels = AttributionMath.levels(raw, AttributionMath.LEVELS);
        return fromLevels(id, model, role, promptFormat, promptTokens, responseTokens, raw, levels,
                instructionMask, unmatched);
    }

    /** Scores a matrix already at levels 0..L (the authors' released data): only the threshold applies. */
    public static AttributionResult fromLevels(String id, String model, ModelRole role, String promptFormat,
                                               List<String> promptTokens, List<String> responseTokens,
                                               double[][] raw, double[][] levels, boolean[] instructionMask,
                                               List<String> unmatched) {
        int b = AttributionMath.STATS_THRESHOLD;
        double[] densities = AttributionMath.densities(AttributionMath.threshold(levels, b),
                AttributionMath.P_NORM, AttributionMath.EPSILON);
        double score = AttributionMath.instructionScore(densities, instructionMask);
        return new AttributionResult(id, model, role, promptFormat, promptTokens, responseTokens, raw, levels, b,
                densities, instructionMask, unmatched, score);
    }

    /** The prompt set this ID belongs to, or null for an ID of none of the paper's sets. */
    public PromptSet promptSet() {
        try {
            return PromptSet.fromId(id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Levels of every prompt token for one response token, after the threshold b (0 = as stored). */
    public double[] levelsForResponseToken(int responseIndex, int b) {
        if (responseIndex < 0 || responseIndex >= responseTokens.size()) {
            throw new AttributionException("attribution result " + id + ": response token " + responseIndex
                    + " out of range 0.." + (responseTokens.size() - 1));
        }
        double[] out = new double[levels.length];
        for (int n = 0; n < levels.length; n++) {
            double v = levels[n][responseIndex];
            out[n] = v <= b ? 0 : v;
        }
        return out;
    }

    /** An HTML fragment: the prompt tokens shaded by importance density, instruction tokens underlined. */
    public String toHtml() {
        StringBuilder html = new StringBuilder();
        html.append("<div class=\"instruct-shift-attribution\" style=\"font-family:monospace;line-height:1.8\">");
        html.append("<div><b>").append(escape(id)).append("</b> &middot; ").append(escape(model))
                .append(" (").append(role == null ? "?" : role.label()).append(") &middot; instruction score ")
                .append(String.format(Locale.ROOT, "%.4f", score)).append("</div><div>");
        for (int n = 0; n < promptTokens.size(); n++) {
            String token = promptTokens.get(n);
            double a = Math.max(0, Math.min(1, densities[n]));
            html.append("<span title=\"").append(String.format(Locale.ROOT, "%.3f", densities[n]))
                    .append("\" style=\"background:rgba(220,40,40,")
                    .append(String.format(Locale.ROOT, "%.3f", a)).append(')');
            if (instructionMask[n]) {
                html.append(";text-decoration:underline");
            }
            html.append("\">");
            if (token.equals("<0x0A>")) {
                html.append("&#8629;</span><br>");
                continue;
            }
            html.append(escape(token.replace('\u2581', ' '))).append("</span>");
        }
        html.append("</div></div>");
        return html.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Writes this result as JSON, atomically. */
    public void save(Path file) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new AttributionException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a result written by {@link #save} and checks that it is one this code could have written: levels
     * are whole levels 0..L (from the raw matrix, when stored), the threshold is the statistics one, and the
     * densities and the score are recomputed from the levels and must match. A file edited by hand, or cut
     * short, is an {@link AttributionException} naming it.
     */
    public static AttributionResult load(Path file) {
        AttributionResult r;
        try {
            r = JSON.readValue(Files.readAllBytes(file), AttributionResult.class);
        } catch (IOException | RuntimeException e) {
            throw new AttributionException("cannot read an attribution result from " + file + ": " + e.getMessage(), e);
        }
        if (r == null) {
            throw new AttributionException("cannot read an attribution result from " + file + ": it holds null");
        }
        String inconsistency = r.inconsistency();
        if (inconsistency != null) {
            throw new AttributionException(file + " is not a consistent attribution result: " + inconsistency);
        }
        return r;
    }

    /** What in this result does not follow from its levels (and raw matrix), or null when all does. */
    private String inconsistency() {
        for (int n = 0; n < levels.length; n++) {
            for (int m = 0; m < levels[n].length; m++) {
                double v = levels[n][m];
                if (!(v >= 0 && v <= AttributionMath.LEVELS && v == Math.rint(v))) {
                    return "levels[" + n + "][" + m + "] = " + v + " is not a whole level 0.." + AttributionMath.LEVELS;
                }
            }
        }
        if (raw != null && !java.util.Arrays.deepEquals(AttributionMath.levels(raw, AttributionMath.LEVELS), levels)) {
            return "the levels are not those of the stored raw matrix";
        }
        if (threshold != AttributionMath.STATS_THRESHOLD) {
            return "threshold " + threshold + ", not " + AttributionMath.STATS_THRESHOLD;
        }
        AttributionResult recomputed = fromLevels(id, model, role, promptFormat, promptTokens, responseTokens, raw,
                levels, instructionMask, unmatched);
        for (int n = 0; n < densities.length; n++) {
            if (!close(densities[n], recomputed.densities[n])) {
                return "density " + densities[n] + " of prompt token " + n + " differs from the "
                        + recomputed.densities[n] + " its levels give";
            }
        }
        if (!close(score, recomputed.score)) {
            return "score " + score + " differs from the " + recomputed.score + " its levels give";
        }
        return null;
    }

    /** Equal up to the last bits (the JSON round trip is exact; this only forgives a re-serialised file). */
    private static boolean close(double stored, double recomputed) {
        return Double.compare(stored, recomputed) == 0
                || Math.abs(stored - recomputed) <= 1e-12 * Math.max(1, Math.abs(recomputed));
    }
}
