package io.github.instructshift.kernel;

import java.util.function.Consumer;

/**
 * Shows an object in the notebook in the middle of a cell (several images in one cell, say).
 * Notebooks call the top-level {@code display(Object)} the kernel defines, as under IJava.
 * Outside a kernel (tests, the CLI) there is no sink and display is a no-op.
 */
public final class Display {
    private static volatile Consumer<Object> sink;

    private Display() {
    }

    /** Shows {@code value} with the richest MIME type known for it; returns an empty display id. */
    public static String display(Object value) {
        Consumer<Object> s = sink;
        if (s != null) {
            s.accept(value);
        }
        return "";
    }

    static void setSink(Consumer<Object> newSink) {
        sink = newSink;
    }
}
