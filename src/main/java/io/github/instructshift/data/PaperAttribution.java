package io.github.instructshift.data;

import java.util.List;

/**
 * One of the authors' per-prompt attribution pickles ({@code ifa_*_7b/ID.pkl}).
 *
 * @param id        prompt ID
 * @param input     prompt tokens without BOS (LLaMA sentencepiece pieces, {@code ▁} marks a word start)
 * @param reference the reference response of the source data set
 * @param output    the generated response tokens
 * @param levels    {@code [input.size()][output.size()]} attribution levels 0..10, already normalised per
 *                  response token with L = 10 and no threshold. An empty response gives rows of length 0.
 */
public record PaperAttribution(String id, List<String> input, String reference, List<String> output,
                               double[][] levels) {
}
