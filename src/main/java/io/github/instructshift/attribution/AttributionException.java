package io.github.instructshift.attribution;

/** Bad input to the attribution pipeline (shapes, spans, files); the message says what and where. */
public class AttributionException extends RuntimeException {
    public AttributionException(String message) {
        super(message);
    }

    public AttributionException(String message, Throwable cause) {
        super(message, cause);
    }
}
