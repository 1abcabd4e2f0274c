package io.github.instructshift.kernel;

/** A kernel failure with a message that names what is wrong (file, field, frame). */
public class KernelException extends RuntimeException {
    public KernelException(String message) {
        super(message);
    }

    public KernelException(String message, Throwable cause) {
        super(message, cause);
    }
}
