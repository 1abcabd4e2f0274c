package io.github.instructshift.attribution;

import io.github.instructshift.data.PaperAttribution;
import io.github.instructshift.data.PaperPickles;
import io.github.instructshift.data.PromptRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the authors' released level matrices into {@link AttributionResult}s: the instruction mask
 * comes from the annotated fragments of {@code FinalDataset.tsv}, widened to sentences and mapped onto
 * the LLaMA pieces by characters (the LLaMA tokenizer is not needed).
 */
public final class PaperResults {
    /** How the released prompts were given to the models: as plain text, no chat template. */
    public static final String PROMPT_FORMAT = "plain";

    private PaperResults() {}

    public static AttributionResult fromPickle(PaperAttribution pickle, PromptRecord prompt, String model,
                                               ModelRole role) {
        InstructionSpans.Widening widening = InstructionSpans.widen(prompt.prompt(), prompt.instructionFragments());
        int[][] spans = TokenAlignment.charSpans(pickle.input(), prompt.prompt(), "prompt " + prompt.id());
        boolean[] mask = TokenAlignment.mask(pickle.input(), spans, prompt.prompt(), widening.sentences());
        return AttributionResult.fromLevels(pickle.id(), model, role, PROMPT_FORMAT, pickle.input(), pickle.output(),
                null, pickle.levels(), mask, widening.notFound());
    }

    /** Every pickle of a directory ({@code ifa_llama_7b}, {@code ifa_vicuna_7b}) joined to its prompt by ID. */
    public static List<AttributionResult> load(Path pickleDir, Map<String, PromptRecord> promptsById, String model,
                                               ModelRole role) {
        List<AttributionResult> out = new ArrayList<>();
        for (PaperAttribution pickle : PaperPickles.readDirectory(pickleDir)) {
            PromptRecord prompt = promptsById.get(pickle.id());
            if (prompt == null) {
                throw new AttributionException(pickleDir.resolve(pickle.id() + ".pkl") + ": prompt ID " + pickle.id()
                        + " is not in the prompt file");
            }
            out.add(fromPickle(pickle, prompt, model, role));
        }
        return out;
    }
}
