package io.github.instructshift.cli;

import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every command that loads one model shares. */
public final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint directory")
    Path model;

    @Option(names = "--device", defaultValue = "cpu", converter = DeviceName.class,
            description = "cpu (default), gpu, gpu:N or auto")
    String device;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 (default) or float16")
    String dtype;

    @Option(names = "--weights", defaultValue = "auto",
            description = "weights between uses: auto (default: float16 when float32 would not fit in memory), "
                    + "compute (widened once at load) or float16 (kept in float16, widened one layer at a time)")
    String weights;

    /** Refuses a misspelt device while parsing, so picocli names the option. */
    static final class DeviceName implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return LoadOptions.checkDeviceName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    Checkpoint open() {
        return Checkpoint.open(model);
    }

    LoadOptions loadOptions() {
        return LoadOptions.parse(device, dtype, weights);
    }

    CausalLM load() {
        return open().load(loadOptions());
    }
}
