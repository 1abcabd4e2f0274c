package io.github.instructshift.report;

/** A notebook cannot go on: a missing model or data folder, a figure that cannot be written. */
public class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
