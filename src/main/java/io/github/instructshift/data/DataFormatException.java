package io.github.instructshift.data;

import java.nio.file.Path;

/** A data file that does not have the shape we expect; the message names the file and where. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static DataFormatException at(Path file, int line, String what) {
        return new DataFormatException(file + ":" + line + ": " + what);
    }
}
