package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Mistral: the Llama layout with grouped-query attention and an optional sliding window. */
final class MistralAdapter extends ArchitectureAdapter {
    MistralAdapter() {
        super("mistral", llamaNames());
    }

    @Override
    protected int slidingWindow(JsonNode config) {
        JsonNode w = config.get("sliding_window");
        return w == null || w.isNull() ? 0 : w.intValue();        // checked by ConfigValidator
    }
}
