package io.github.instructshift.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/** Jackson's errors as one line: where (line and column) and what, without its multi-line source excerpt. */
public final class JsonErrors {
    private JsonErrors() {}

    /** E.g. {@code line 3, column 7: Unexpected character ('}' (code 125))}. */
    public static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String what = oneLine(e.getOriginalMessage());
        if (at == null || at.getLineNr() < 0) {
            return what;
        }
        return "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what;
    }

    /** Line breaks folded into "; ", so a message stays one line. */
    public static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
