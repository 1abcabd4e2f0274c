package io.github.instructshift.ffn;

import java.util.Locale;

/** The user-oriented tasks a concept may serve (the paper's second labelling question). */
public enum Task {
    DAILY_WRITING("daily writing"),
    LITERARY_WRITING("literary writing"),
    PROFESSIONAL_WRITING("professional writing"),
    MATH("solving math problems"),
    CODING("coding"),
    TRANSLATION("translation"),
    NONE("none");

    private final String text;

    Task(String text) {
        this.text = text;
    }

    /** The wording used in prompts and tables. */
    public String text() {
        return text;
    }

    /** The category the paper reports: the three writing kinds pooled into "writing". */
    public String reported() {
        return switch (this) {
            case DAILY_WRITING, LITERARY_WRITING, PROFESSIONAL_WRITING -> "writing";
            case MATH -> "math";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }
}
