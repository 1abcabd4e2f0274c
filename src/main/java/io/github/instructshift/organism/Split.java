package io.github.instructshift.organism;

/** Which part of the instruction dataset an example belongs to. */
public enum Split {
    /** Training: inputs from the training corpus, training phrasings. */
    TRAIN,
    /** Held out: an input never used in training (from the validation corpus), a training phrasing. */
    HELDOUT_INPUT,
    /** Held out: an unseen input and a phrasing that never occurs in training. */
    HELDOUT_PHRASING;

    public boolean heldOut() {
        return this != TRAIN;
    }
}
