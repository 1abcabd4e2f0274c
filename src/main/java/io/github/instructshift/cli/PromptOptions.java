package io.github.instructshift.cli;

import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.PromptFormat;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --prompt} and {@code --format}, and turning them into the ids a model sees. */
public final class PromptOptions {
    @Option(names = "--prompt", required = true, description = "the prompt text")
    String prompt;

    @Mixin
    FormatOptions format;

    PromptFormat format() {
        return format.format();
    }

    /** The prompt wrapped in its format and tokenised (BOS as the format and tokenizer decide). */
    long[] ids(CausalLM lm) {
        PromptFormat.Rendered rendered = format().render(prompt, lm.checkpoint());
        return lm.tokenizer().encode(rendered.text(), rendered.addSpecialTokens());
    }
}
