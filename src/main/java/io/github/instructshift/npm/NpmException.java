package io.github.instructshift.npm;

/** A package could not be fetched, verified or read; the message names the package or the file. */
public final class NpmException extends RuntimeException {
    public NpmException(String message) {
        super(message);
    }

    public NpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
