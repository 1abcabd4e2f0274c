package io.github.instructshift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.PromptFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code instruct-shift generate}: a greedy continuation of one prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Greedy continuation of a prompt (KV cache, stops at EOS).")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    PromptOptions prompt;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "at most this many new tokens (default ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--json", description = "print {\"prompt_ids\", \"output_ids\", \"text\"} as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PromptFormat fmt = prompt.format();
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("--max-new-tokens must be ≥ 0, got " + maxNewTokens);
        }
        try (CausalLM lm = model.load()) {
            long[] ids = prompt.ids(lm);
            Generation g = lm.generate(ids, maxNewTokens);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("prompt_ids", g.promptIds());
                out.put("output_ids", g.outputIds());
                out.put("text", g.text());
                out.put("format", fmt.name().toLowerCase());
                out.put("stopped_on", g.stoppedOn());
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else {
                System.out.println(g.text());
            }
        }
        return 0;
    }
}
