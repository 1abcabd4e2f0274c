package io.github.instructshift.attribution;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which side of the comparison a model is on: the pre-trained base or its instruction-tuned version. */
public enum ModelRole {
    @JsonProperty("base") BASE,
    @JsonProperty("tuned") TUNED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
