package io.github.instructshift.organism;

/** Something in building the organism's data went wrong; the message names the file, line or item. */
public class OrganismException extends RuntimeException {
    public OrganismException(String message) {
        super(message);
    }

    public OrganismException(String message, Throwable cause) {
        super(message, cause);
    }
}
