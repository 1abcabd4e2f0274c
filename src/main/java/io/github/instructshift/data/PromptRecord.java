package io.github.instructshift.data;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of {@code FinalDataset.tsv}, text already unescaped.
 *
 * @param id                 prompt ID, e.g. {@code lima_author_12}
 * @param prompt             the prompt the models saw
 * @param response           the reference response of the source data set
 * @param instructAndContext the raw annotation: instruction fragments joined by {@code |||}, then
 *                           {@code &&&}, then context spans
 */
public record PromptRecord(String id, String prompt, String response, String instructAndContext) {

    public PromptSet set() {
        return PromptSet.fromId(id);
    }

    /** The human-marked instruction fragments: the part before {@code &&&}, split on {@code |||}, empty ones left out. */
    public List<String> instructionFragments() {
        int cut = instructAndContext.indexOf("&&&");
        String instruct = cut >= 0 ? instructAndContext.substring(0, cut) : instructAndContext;
        return nonEmpty(instruct.split("\\|\\|\\|", -1));
    }

    /** The context spans after {@code &&&}, if any. */
    public List<String> contextFragments() {
        int cut = instructAndContext.indexOf("&&&");
        return cut < 0 ? List.of() : nonEmpty(instructAndContext.substring(cut + 3).split("\\|\\|\\|", -1));
    }

    private static List<String> nonEmpty(String[] parts) {
        List<String> out = new ArrayList<>();
        for (String part : parts) {
            if (!part.isBlank()) {
                out.add(part);
            }
        }
        return out;
    }
}
