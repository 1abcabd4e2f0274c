package io.github.instructshift.kernel;

/**
 * HTML for a notebook: as the last expression of a cell (or passed to {@code display}) it is shown
 * as {@code text/html}. Under IJava it shows as text, so notebooks stay runnable there.
 */
public record Html(String html) {
    public Html {
        if (html == null) {
            throw new IllegalArgumentException("html must not be null");
        }
    }

    public String toHtml() {
        return html;
    }

    @Override
    public String toString() {
        return html;
    }
}
