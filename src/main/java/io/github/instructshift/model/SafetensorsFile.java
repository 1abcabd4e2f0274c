package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code .safetensors} file: its header is read and checked when opened; tensors are
 * memory-mapped on demand, so a checkpoint never sits in memory twice.
 *
 * <p>DJL 0.36.0's PyTorch engine aborts the JVM on any bfloat16 NDArray, so bf16 tensors are widened
 * here in Java (exact: a bf16 value is the top half of the float32 with the same value).
 * Loading peaks at the model plus one tensor: each is mapped, copied into PyTorch and released.
 * A tensor with NaN or infinite values is refused as it loads.
 */
public final class SafetensorsFile {
    /** Tensors larger than this are mapped in row blocks (a single Java buffer holds under 2 GiB). */
    static final long MAX_BLOCK_BYTES = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor's entry in the header. */
    public record Entry(String name, String dtype, Shape shape, long begin, long end) {
        int elementBytes() {
            return ELEMENT_BYTES.get(dtype);
        }
    }

    /** The dtypes of the safetensors format and their sizes. */
    private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
            Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8),
            Map.entry("F32", 4), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I16", 2), Map.entry("U16", 2),
            Map.entry("I8", 1), Map.entry("U8", 1), Map.entry("BOOL", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1));

    /** The dtypes {@link #load} reads. */
    static final Set<String> WEIGHT_DTYPES = Set.of("F32", "F16", "BF16", "F64");

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /** Reads and validates the header of {@code path}. */
    public static SafetensorsFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new CheckpointException("safetensors file not found: " + path);
        }
        try (FileChannel ch = FileChannel.open(path)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(path + ": truncated safetensors file (" + size
                        + " bytes, shorter than its 8-byte header length)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLen = len.getLong(0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
                throw new CheckpointException(path + ": header length " + headerLen
                        + " does not fit in a file of " + size + " bytes (truncated or not a safetensors file)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root = parseHeader(path, header.array());
            long dataStart = 8 + headerLen;
            long dataBytes = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.put(f.getKey(), parseEntry(path, f.getKey(), f.getValue(), dataBytes));
            }
            checkLayout(path, entries.values(), dataBytes);
            return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries));
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The header JSON: one object, then nothing but the spaces the format pads it with to a multiple
     * of 8 bytes (anything else there is a corrupt or crafted file).
     */
    private static JsonNode parseHeader(Path path, byte[] header) {
        JsonNode root;
        long end;
        try (JsonParser parser = JSON.getFactory().createParser(header)) {
            root = JSON.readTree(parser);
            end = parser.currentLocation().getByteOffset();
        } catch (JsonProcessingException e) {
            throw new CheckpointException(path + ": header is not valid JSON: " + JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot parse the header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(path + ": header is not a JSON object");
        }
        for (int i = (int) end; i < header.length; i++) {
            if (header[i] != ' ') {
                throw new CheckpointException(path + ": " + (header.length - i) + " bytes of garbage after the header"
                        + " JSON at header byte " + i + " (only space padding is allowed)");
            }
        }
        return root;
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataBytes) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || shape == null || offsets == null || !shape.isArray()
                || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(path + ": tensor '" + name
                    + "' needs dtype, shape and a two-element data_offsets in the header");
        }
        if (!dtype.isTextual() || !ELEMENT_BYTES.containsKey(dtype.asText())) {
            throw new CheckpointException(path + ": tensor '" + name + "' has unknown dtype " + dtype
                    + " (safetensors dtypes: " + new TreeSet<>(ELEMENT_BYTES.keySet()) + ")");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = nonNegative(path, name, "shape", shape.get(i));
        }
        Entry e = new Entry(name, dtype.asText(), new Shape(dims),
                nonNegative(path, name, "data_offsets", offsets.get(0)),
                nonNegative(path, name, "data_offsets", offsets.get(1)));
        if (e.end < e.begin) {
            throw new CheckpointException(path + ": tensor '" + name + "' has invalid data_offsets ["
                    + e.begin + ", " + e.end + "]");
        }
        if (e.end > dataBytes) {
            throw new CheckpointException(path + ": tensor '" + name + "' data_offsets [" + e.begin + ", "
                    + e.end + "] point past the end of the data (" + dataBytes
                    + " bytes): the file is truncated or its header is corrupt");
        }
        long needed;
        try {
            needed = e.elementBytes();
            for (long d : dims) {
                needed = Math.multiplyExact(needed, d);
            }
        } catch (ArithmeticException overflow) {
            needed = -1;
        }
        if (e.end - e.begin != needed) {
            throw new CheckpointException(path + ": tensor '" + name + "' of shape " + e.shape + " and dtype "
                    + e.dtype + " needs " + (needed < 0 ? "more than 2^63" : needed) + " bytes but data_offsets span "
                    + (e.end - e.begin));
        }
        return e;
    }

    private static long nonNegative(Path path, String tensor, String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new CheckpointException(path + ": tensor '" + tensor + "' has " + field + " entry " + value
                    + ": must be a non-negative integer");
        }
        return value.longValue();
    }

    /**
     * The tensors tile the data exactly, as the format requires: no two overlap, no gap between
     * them, and no bytes after the last.
     */
    private static void checkLayout(Path path, Collection<Entry> entries, long dataBytes) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expected) {
                throw new CheckpointException(path + ": tensors '" + previous.name + "' and '" + e.name
                        + "' overlap (data_offsets [" + previous.begin + ", " + previous.end + "] and ["
                        + e.begin + ", " + e.end + "])");
            }
            if (e.begin > expected) {
                throw new CheckpointException(path + ": " + (e.begin - expected) + " bytes before tensor '" + e.name
                        + "' (data_offsets from " + expected + " to " + e.begin + ") belong to no tensor");
            }
            expected = e.end;
            previous = e;
        }
        if (expected != dataBytes) {
            throw new CheckpointException(path + ": " + (dataBytes - expected)
                    + " trailing bytes after the last tensor's data (the header describes " + expected
                    + " of the file's " + dataBytes + " data bytes)");
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Loads tensor {@code name} into {@code manager} as {@code target} (FLOAT32 or FLOAT16) on the
     * manager's device.
     */
    public NDArray load(String name, NDManager manager, DataType target) {
        return load(name, manager, target, false);
    }

    /**
     * As {@link #load(String, NDManager, DataType)}; with {@code borrow}, a tensor stored in {@code target}
     * and loaded onto the CPU is not copied: the array reads the file's read-only memory mapping, as
     * PyTorch's mmap loading does, so the page cache holds the only copy and loading touches no page it
     * does not check. Such an array must never be written in place (training must not borrow), and the
     * file must not be rewritten while it is in use.
     */
    public NDArray load(String name, NDManager manager, DataType target, boolean borrow) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path + ": no tensor named '" + name + "'");
        }
        if (target != DataType.FLOAT32 && target != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be float32 or float16, not " + target);
        }
        long bytes = e.end - e.begin;
        if (bytes <= MAX_BLOCK_BYTES || e.shape.dimension() == 0) {
            return loadBlock(e, manager, target, e.begin, e.shape, borrow);
        }
        // Too large for one buffer: map row blocks, then join them on the target side.
        long rowBytes = bytes / e.shape.get(0);
        long rowsPerBlock = Math.max(1, MAX_BLOCK_BYTES / rowBytes);
        NDList blocks = new NDList();
        try {
            for (long row = 0; row < e.shape.get(0); row += rowsPerBlock) {
                long rows = Math.min(rowsPerBlock, e.shape.get(0) - row);
                long[] dims = e.shape.getShape().clone();
                dims[0] = rows;
                blocks.add(loadBlock(e, manager, target, e.begin + row * rowBytes, new Shape(dims), false));
            }
            return NDArrays.concat(blocks, 0);
        } finally {
            blocks.close();
        }
    }

    private NDArray loadBlock(Entry e, NDManager manager, DataType target, long begin, Shape shape, boolean borrow) {
        int count = Math.toIntExact(shape.size());
        ByteBuffer mapped = map(begin, (long) count * e.elementBytes());
        NDManager cpu = manager.getDevice().isGpu() ? manager.newSubManager(ai.djl.Device.cpu()) : manager;
        try {
            ByteBuffer source = switch (e.dtype) {
                case "F32", "F16", "F64" -> mapped;
                case "BF16" -> widenBf16(mapped, count, target);
                default -> throw new CheckpointException(path + ": tensor '" + e.name + "' has dtype "
                        + e.dtype + "; weights must be one of " + new TreeSet<>(WEIGHT_DTYPES));
            };
            DataType stored = switch (e.dtype) {
                case "F32" -> DataType.FLOAT32;
                case "F16" -> DataType.FLOAT16;
                case "F64" -> DataType.FLOAT64;
                default -> target;
            };
            // an array over a direct buffer only borrows it (DJL keeps the buffer reachable from the array):
            // kept as is when asked and the bytes are already the target's, else copied into PyTorch memory
            NDArray borrowed = cpu.create(source, shape, stored);
            NDArray onCpu = borrow && cpu == manager && source == mapped && stored == target
                    ? borrowed : Tensors.owned(borrowed, target);
            requireFinite(e, onCpu, cpu, begin, shape, target);
            if (cpu == manager) {
                return onCpu;
            }
            NDArray moved = onCpu.toDevice(manager.getDevice(), true);
            moved.attach(manager);
            return moved;
        } finally {
            if (cpu != manager) {
                cpu.close();
            }
        }
    }

    /**
     * Refuses a tensor with NaN or infinite values, naming it (cheap: one reduction, no copy; max and
     * min, which propagate NaN, decide when the sum is not finite). On failure in float16, a second
     * float32 read tells a stored NaN or Inf from a finite value beyond float16's range.
     */
    private void requireFinite(Entry e, NDArray values, NDManager cpu, long begin, Shape shape, DataType target) {
        if (values.isEmpty() || finite(values)) {
            return;
        }
        values.close();
        if (target == DataType.FLOAT16 && !e.dtype.equals("F16")) {
            loadBlock(e, cpu, DataType.FLOAT32, begin, shape, false).close();    // throws if the stored values are bad
            throw new CheckpointException(path + ": tensor '" + e.name + "' has values beyond float16's range"
                    + " (±65504): use float32");
        }
        throw new CheckpointException(path + ": tensor '" + e.name + "' holds NaN or infinite values");
    }

    private static boolean finite(NDArray values) {
        // one pass: a finite sum proves every value finite (NaN and ±Inf propagate); only a sum that
        // overflows or hits a bad value takes the exact two-pass test
        try (NDArray sum = values.sum(); NDArray sum32 = sum.toType(DataType.FLOAT32, false)) {
            if (Float.isFinite(sum32.getFloat())) {
                return true;
            }
        }
        try (NDArray max = values.max(); NDArray min = values.min();
             NDArray max32 = max.toType(DataType.FLOAT32, false); NDArray min32 = min.toType(DataType.FLOAT32, false)) {
            return Float.isFinite(max32.getFloat()) && Float.isFinite(min32.getFloat());
        }
    }

    private ByteBuffer map(long begin, long length) {
        try (FileChannel ch = FileChannel.open(path)) {
            MappedByteBuffer buffer = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, length);
            return buffer.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException("cannot map " + path + ": " + e.getMessage(), e);
        }
    }

    /** bf16 → float32 (exact) or float16 (rounded to nearest even), into a direct buffer the NDArray adopts. */
    private static ByteBuffer widenBf16(ByteBuffer src, int count, DataType target) {
        int width = target == DataType.FLOAT32 ? 4 : 2;
        ByteBuffer dst = ByteBuffer.allocateDirect(count * width).order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
            int bits = (src.getShort(2 * i) & 0xFFFF) << 16;
            if (width == 4) {
                dst.putInt(4 * i, bits);
            } else {
                dst.putShort(2 * i, HalfFloat.fromFloat(Float.intBitsToFloat(bits)));
            }
        }
        return dst;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }
}
