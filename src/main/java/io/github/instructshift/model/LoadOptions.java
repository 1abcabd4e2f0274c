package io.github.instructshift.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in which precision a model computes.
 *
 * @param device CPU by default; a GPU only when asked for and present
 * @param dtype  FLOAT32 (default, exact parity) or FLOAT16 (GPU memory); bf16 checkpoints are widened
 *               on load because DJL 0.36.0's PyTorch engine cannot hold bfloat16 NDArrays
 */
public record LoadOptions(Device device, DataType dtype) {

    public LoadOptions {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be float32 or float16, not " + dtype);
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Device.cpu(), DataType.FLOAT32);
    }

    /**
     * From user-facing names: device {@code cpu}, {@code gpu}/{@code cuda}[{@code :N}] or {@code auto}
     * (a GPU if PyTorch sees one); dtype {@code float32}/{@code fp32} or {@code float16}/{@code fp16}.
     */
    public static LoadOptions parse(String device, String dtype) {
        return new LoadOptions(parseDevice(device), parseDtype(dtype));
    }

    static Device parseDevice(String name) {
        String d = name == null ? "cpu" : name.toLowerCase(Locale.ROOT).trim();
        int gpus = d.equals("cpu") ? 0 : Engine.getEngine("PyTorch").getGpuCount();
        if (d.equals("cpu") || (d.equals("auto") && gpus == 0)) {
            return Device.cpu();
        }
        if (d.equals("auto")) {
            return Device.gpu();
        }
        if (d.startsWith("gpu") || d.startsWith("cuda")) {
            int index = d.contains(":") ? Integer.parseInt(d.substring(d.indexOf(':') + 1)) : 0;
            if (index >= gpus) {
                throw new IllegalArgumentException("device '" + name + "' asked for, but PyTorch sees "
                        + gpus + " GPU(s); on a CUDA machine build with the cuda profile (mvn -Pcuda)");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (use cpu, gpu, gpu:N or auto)");
    }

    static DataType parseDtype(String name) {
        String d = name == null ? "float32" : name.toLowerCase(Locale.ROOT).trim();
        return switch (d) {
            case "float32", "fp32", "f32" -> DataType.FLOAT32;
            case "float16", "fp16", "f16", "half" -> DataType.FLOAT16;
            case "bfloat16", "bf16" -> throw new IllegalArgumentException("bfloat16 compute is not available:"
                    + " DJL 0.36.0's PyTorch engine aborts on bfloat16 arrays; use float16 (bf16 checkpoints"
                    + " load fine into float16 or float32)");
            default -> throw new IllegalArgumentException("unknown dtype '" + name + "' (use float32 or float16)");
        };
    }
}
