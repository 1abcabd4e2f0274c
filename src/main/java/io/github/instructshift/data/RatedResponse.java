package io.github.instructshift.data;

/**
 * One row of {@code AnnotatedDataset.tsv}: a model's generated response with a human rating.
 * In the released file the {@code Model} column is {@code vicuna_7B} for the tuned model (rated) and
 * {@code alpaca_7B} for the other rows (all unrated, -1).
 *
 * @param file     the pickle the response belongs to, e.g. {@code lima_author_3.pkl}
 * @param model    the Model column
 * @param rating   1 = not followed, 2..4 = followed, -1 (or any value &lt;= 0) = unrated
 */
public record RatedResponse(String file, String model, String prompt, String reference, String instruct,
                            String response, int rating) {

    /** The prompt ID: the file name without its extension. */
    public String id() {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    public boolean rated() {
        return rating > 0;
    }

    /** Rating 2..4 counts as followed, 1 as not followed (meaningful only when {@link #rated()}). */
    public boolean followed() {
        return rating >= 2;
    }
}
