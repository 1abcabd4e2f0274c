package io.github.instructshift.ffn;

/**
 * The labelling run itself failed (an endpoint that keeps failing, labels left missing), as opposed to
 * bad input ({@link FfnException}): the command line exits 1 for it, not 2. The message says what to do.
 */
public final class LabellingFailure extends RuntimeException {
    public LabellingFailure(String message) {
        super(message);
    }
}
