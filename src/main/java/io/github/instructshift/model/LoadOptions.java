package io.github.instructshift.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and in which precision a model computes.
 *
 * @param device CPU by default; a GPU only when asked for and present
 * @param dtype  FLOAT32 (default, exact parity) or FLOAT16 (GPU memory); bf16 checkpoints are widened
 *               on load because DJL 0.36.0's PyTorch engine cannot hold bfloat16 NDArrays
 * @param weights how the weights stay in memory between uses; see {@link Weights}
 */
public record LoadOptions(Device device, DataType dtype, Weights weights) {

    /**
     * Weight residency. A 7B model in float32 takes 27 GB, more than a 24 GiB machine has, while its
     * 16-bit checkpoint takes 13.5 GB: kept in float16 and widened one layer at a time just before use,
     * it computes in float32 within the machine's memory (bf16 weights convert to float16 exactly
     * unless they lie outside float16's normal range, which the loader reports).
     */
    public enum Weights {
        /** {@link #COMPUTE} when the weights fit in the compute dtype in 80 % of the available memory, else {@link #FLOAT16}. */
        AUTO,
        /** Widened to the compute dtype once, at load: fastest, and what training needs. */
        COMPUTE,
        /** Kept in float16, each layer widened to the compute dtype for the duration of its use. */
        FLOAT16
    }

    public LoadOptions {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be float32 or float16, not " + dtype);
        }
        java.util.Objects.requireNonNull(weights, "weights");
    }

    /** Weights resident as {@link Weights#AUTO} decides. */
    public LoadOptions(Device device, DataType dtype) {
        this(device, dtype, Weights.AUTO);
    }

    /** The dtype the weights of a model of {@code parameters} keep between uses, on this machine. */
    public DataType residentDtype(long parameters) {
        if (dtype == DataType.FLOAT16 || weights == Weights.FLOAT16) {
            return DataType.FLOAT16;
        }
        if (weights == Weights.COMPUTE || device.isGpu()) {
            return dtype;
        }
        long available = availableMemoryBytes();
        return available > 0 && parameters * 4L > 0.8 * available ? DataType.FLOAT16 : dtype;
    }

    /** Linux's MemAvailable, or −1 where /proc/meminfo cannot tell. */
    static long availableMemoryBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** As {@link #parse(String, String)} with a residency name: {@code auto}, {@code compute} or {@code float16}. */
    public static LoadOptions parse(String device, String dtype, String weights) {
        String w = weights == null ? "auto" : weights.toLowerCase(Locale.ROOT).trim();
        Weights residency = switch (w) {
            case "auto" -> Weights.AUTO;
            case "compute", "float32", "fp32" -> Weights.COMPUTE;
            case "float16", "fp16", "half" -> Weights.FLOAT16;
            default -> throw new IllegalArgumentException("unknown weight residency '" + weights
                    + "' (use auto, compute or float16)");
        };
        return new LoadOptions(parseDevice(device), parseDtype(dtype), residency);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Device.cpu(), DataType.FLOAT32);
    }

    /**
     * From user-facing names: device {@code cpu}, {@code gpu}/{@code cuda}[{@code :N}] or {@code auto}
     * (a GPU if PyTorch sees one); dtype {@code float32}/{@code fp32} or {@code float16}/{@code fp16}.
     */
    public static LoadOptions parse(String device, String dtype) {
        return new LoadOptions(parseDevice(device), parseDtype(dtype), Weights.AUTO);
    }

    private static final Pattern DEVICE = Pattern.compile("cpu|auto|(?:gpu|cuda)(?::(\\d{1,4}))?");
    static final String DEVICE_FORMS = "cpu, gpu, gpu:N (N a GPU index: 0, 1, …), cuda, cuda:N or auto";

    /**
     * Checks the spelling of a device name without asking the engine for GPUs, so a command line can
     * refuse {@code gpu:x} before any work. Returns the name, normalized.
     */
    public static String checkDeviceName(String name) {
        String d = name == null ? "cpu" : name.toLowerCase(Locale.ROOT).trim();
        if (!DEVICE.matcher(d).matches()) {
            throw new IllegalArgumentException("unknown device '" + name + "': use " + DEVICE_FORMS);
        }
        return d;
    }

    static Device parseDevice(String name) {
        String d = checkDeviceName(name);
        int gpus = d.equals("cpu") ? 0 : Engine.getEngine("PyTorch").getGpuCount();
        if (d.equals("cpu") || (d.equals("auto") && gpus == 0)) {
            return Device.cpu();
        }
        if (d.equals("auto")) {
            return Device.gpu();
        }
        Matcher m = DEVICE.matcher(d);
        m.matches();
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        if (index >= gpus) {
            throw new IllegalArgumentException("device '" + name + "' asked for, but PyTorch sees "
                    + gpus + " GPU(s); on a CUDA machine build with the cuda profile (mvn -Pcuda)");
        }
        return Device.gpu(index);
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
