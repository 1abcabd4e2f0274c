package io.github.instructshift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code instruct-shift info --model DIR}: family, sizes, dtype and parameter count, from headers only. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a checkpoint's family, sizes, stored dtype and parameter count.")
public final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Checkpoint ckpt = model.open();
        ModelConfig c = ckpt.config();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("dir", ckpt.dir().toString());
        info.put("family", c.modelType());
        info.put("layers", c.numLayers());
        info.put("d_model", c.hiddenSize());
        info.put("d_ff", c.intermediateSize());
        info.put("heads", c.numHeads());
        info.put("kv_heads", c.numKvHeads());
        info.put("d_head", c.headDim());
        info.put("vocab", c.vocabSize());
        info.put("context", c.maxPositions());
        info.put("rope", c.rope().type() + " theta=" + c.rope().theta());
        info.put("sliding_window", c.slidingWindow());
        info.put("tied_embeddings", c.tiedEmbeddings());
        info.put("dtype", ckpt.storedDtypes());
        info.put("parameters", ckpt.parameterCount());
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(info));
        } else {
            info.forEach((k, v) -> System.out.printf("%-16s %s%n", k, v));
        }
        return 0;
    }
}
