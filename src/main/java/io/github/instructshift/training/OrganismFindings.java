package io.github.instructshift.training;

import io.github.instructshift.report.FfnRun;
import io.github.instructshift.report.HeadsRun;
import io.github.instructshift.report.ModelPair;
import io.github.instructshift.report.NotebookConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Findings 2 and 3 on a built pair, computed by the notebooks' own code under profile {@code organism}
 * (its pre-registered verbs, the corpus's PPMI/SVD vectors, the offline labeller and its runs), so the
 * model card, {@code scores.json} and notebooks 02–03 report one computation.
 */
final class OrganismFindings {
    private OrganismFindings() {}

    static Map<String, Object> measure(Path base, Path tuned, int threads) {
        Map<String, String> env = Map.of(
                NotebookConfig.envName("base"), base.toAbsolutePath().toString(),
                NotebookConfig.envName("tuned"), tuned.toAbsolutePath().toString(),
                NotebookConfig.envName("profile"), "organism",
                NotebookConfig.envName("threads"), Integer.toString(threads),
                // no configuration file of the working directory may change what the card reports
                NotebookConfig.CONFIG_ENV, "");
        NotebookConfig config = NotebookConfig.resolve(env, base.toAbsolutePath().getParent());
        Map<String, Object> out = new LinkedHashMap<>();
        try (ModelPair pair = ModelPair.open(config)) {
            out.put("finding2_heads", HeadsRun.run(pair).summary());
            out.put("finding3_ffn", FfnRun.run(pair).summary());
        }
        return out;
    }
}
