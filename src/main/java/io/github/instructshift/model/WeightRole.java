package io.github.instructshift.model;

/** What a weight tensor does, independent of what a family calls it. */
public enum WeightRole {
    EMBEDDING(false), LM_HEAD(false), FINAL_NORM(false),
    ATTENTION_NORM(true), FFN_NORM(true),
    QUERY(true), KEY(true), VALUE(true), OUTPUT(true),
    QUERY_BIAS(true), KEY_BIAS(true), VALUE_BIAS(true),
    GATE(true), UP(true), DOWN(true);

    private final boolean perLayer;

    WeightRole(boolean perLayer) {
        this.perLayer = perLayer;
    }

    public boolean perLayer() {
        return perLayer;
    }

    /** The shape this role's tensor must have under {@code c}, in the Hugging Face (out, in) layout. */
    long[] expectedShape(ModelConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        return switch (this) {
            case EMBEDDING, LM_HEAD -> new long[] {c.vocabSize(), d};
            case FINAL_NORM, ATTENTION_NORM, FFN_NORM -> new long[] {d};
            case QUERY -> new long[] {q, d};
            case KEY, VALUE -> new long[] {kv, d};
            case OUTPUT -> new long[] {d, q};
            case QUERY_BIAS -> new long[] {q};
            case KEY_BIAS, VALUE_BIAS -> new long[] {kv};
            case GATE, UP -> new long[] {c.intermediateSize(), d};
            case DOWN -> new long[] {d, c.intermediateSize()};
        };
    }
}
