package io.github.instructshift.heads;

/** Bad input to the head analysis: a malformed file (with its line), mismatched models, an empty word list. */
public class HeadsException extends RuntimeException {
    public HeadsException(String message) {
        super(message);
    }

    public HeadsException(String message, Throwable cause) {
        super(message, cause);
    }
}
