package io.github.instructshift.cli;

import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.SafetensorsWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code instruct-shift logits}: the prompt's logits as a safetensors file. */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Write the [prompt_len, vocab] float32 logits of a prompt under the name 'logits'.")
public final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    PromptOptions prompt;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "output file (written atomically)")
    Path out;

    @Override
    public Integer call() throws Exception {
        prompt.format();                                  // a bad --format or --out fails before the model loads
        if (java.nio.file.Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a directory; give the file to write, e.g. "
                    + out.resolve("logits.safetensors"));
        }
        try (CausalLM lm = model.load()) {
            long[] ids = prompt.ids(lm);
            float[][] logits = lm.sequenceLogits(ids);
            int vocab = logits[0].length;
            float[] flat = new float[ids.length * vocab];
            for (int t = 0; t < ids.length; t++) {
                System.arraycopy(logits[t], 0, flat, t * vocab, vocab);
            }
            SafetensorsWriter.write(out, Map.of("logits",
                    new SafetensorsWriter.Tensor(new long[] {ids.length, vocab}, flat)));
            System.err.printf("wrote logits [%d, %d] to %s%n", ids.length, vocab, out);
        }
        return 0;
    }
}
