package io.github.instructshift.data;

import java.util.Locale;

/** The three prompt collections of the paper, told apart by the prefix of a prompt ID. */
public enum PromptSet {
    SELF_INSTRUCT("self-instruct", "user_oriented_task_"),
    LIMA("lima", "lima_"),
    MT_BENCH("mt-bench", "mtbench_");

    private final String label;
    private final String idPrefix;

    PromptSet(String label, String idPrefix) {
        this.label = label;
        this.idPrefix = idPrefix;
    }

    /** The name used in tables and files: {@code self-instruct}, {@code lima}, {@code mt-bench}. */
    public String label() {
        return label;
    }

    public static PromptSet fromId(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        for (PromptSet set : values()) {
            if (lower.startsWith(set.idPrefix)) {
                return set;
            }
        }
        throw new DataFormatException("Prompt ID '" + id + "' belongs to no known prompt set (expected a prefix "
                + "user_oriented_task_, lima_ or mtbench_)");
    }

    public static PromptSet fromLabel(String label) {
        for (PromptSet set : values()) {
            if (set.label.equals(label)) {
                return set;
            }
        }
        throw new IllegalArgumentException("Unknown prompt set '" + label + "' (self-instruct, lima, mt-bench)");
    }
}
