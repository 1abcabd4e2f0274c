package io.github.instructshift.kernel;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Shows an object in the notebook in the middle of a cell (several images in one cell, say), and
 * replaces what an earlier display showed (a progress table, say). Notebooks call the top-level
 * {@code display(Object)} and {@code updateDisplay(String, Object)} the kernel defines, as under
 * IJava. Outside a kernel (tests, the CLI) there is no sink and both do nothing.
 */
public final class Display {
    /** One request to show a value: a new output ({@code update} false) or a replacement of output {@code displayId}. */
    public record Shown(Object value, String displayId, boolean update) {
    }

    private static volatile Consumer<Shown> sink;

    private Display() {
    }

    /** Shows {@code value} with the richest MIME type known for it; returns its display id for {@link #updateDisplay}. */
    public static String display(Object value) {
        String id = UUID.randomUUID().toString();
        Consumer<Shown> s = sink;
        if (s != null) {
            s.accept(new Shown(value, id, false));
        }
        return id;
    }

    /** Replaces, wherever it is shown, the output that {@link #display} returned {@code displayId} for. */
    public static void updateDisplay(String displayId, Object value) {
        if (displayId == null || displayId.isBlank()) {
            throw new IllegalArgumentException("updateDisplay needs the display id that display(...) returned, got "
                    + (displayId == null ? "null" : "'" + displayId + "'"));
        }
        Consumer<Shown> s = sink;
        if (s != null) {
            s.accept(new Shown(value, displayId, true));
        }
    }

    static void setSink(Consumer<Shown> newSink) {
        sink = newSink;
    }
}
