package io.github.instructshift.cli;

import io.github.instructshift.model.PromptFormat;
import picocli.CommandLine.Option;

/** {@code --format}: how a prompt is wrapped before the model sees it. */
public final class FormatOptions {
    @Option(names = "--format", defaultValue = "raw", description = "raw, vicuna, alpaca or chat (default ${DEFAULT-VALUE})")
    String format;

    PromptFormat format() {
        return PromptFormat.parse(format);
    }
}
