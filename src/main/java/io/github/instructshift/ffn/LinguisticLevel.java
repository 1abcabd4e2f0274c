package io.github.instructshift.ffn;

import java.util.Locale;

/** The linguistic level of a concept (the paper's third labelling question). */
public enum LinguisticLevel {
    PHONOLOGY, MORPHOLOGY, SYNTAX, SEMANTICS;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
