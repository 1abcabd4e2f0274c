package io.github.instructshift.model;

/** A checkpoint that cannot be used as it is; the message names the file, field or tensor at fault. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
