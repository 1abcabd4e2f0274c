package io.github.instructshift.attribution;

/** A character range {@code [start, end)} of a prompt. */
public record TextSpan(int start, int end) {
    public TextSpan {
        if (start < 0 || end < start) {
            throw new AttributionException("bad character span [" + start + ", " + end + ")");
        }
    }

    public boolean isEmpty() {
        return end == start;
    }

    public String of(String text) {
        return text.substring(start, end);
    }
}
