package io.github.instructshift.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The supported families, by {@code model_type}. */
public final class Architectures {
    private static final Map<String, Supplier<ArchitectureAdapter>> FAMILIES = new TreeMap<>(Map.of(
            "llama", LlamaAdapter::new,
            "mistral", MistralAdapter::new,
            "qwen2", Qwen2Adapter::new));

    private Architectures() {}

    public static List<String> supported() {
        return List.copyOf(FAMILIES.keySet());
    }

    /** The adapter for {@code modelType}, or an error listing the supported ones. */
    public static ArchitectureAdapter forModelType(String modelType, String source) {
        Supplier<ArchitectureAdapter> family = FAMILIES.get(modelType);
        if (family == null) {
            throw new CheckpointException(source + ": unsupported model_type '" + modelType
                    + "' (supported: " + FAMILIES.keySet().stream().collect(Collectors.joining(", ")) + ")");
        }
        return family.get();
    }
}
