package io.github.instructshift.ffn;

/** Bad input or a failed step of the FFN concept analysis; the message names what is wrong. */
public class FfnException extends RuntimeException {
    public FfnException(String message) {
        super(message);
    }

    public FfnException(String message, Throwable cause) {
        super(message, cause);
    }
}
