package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: its header is read and checked when opened; tensors are
 * memory-mapped on demand, so a checkpoint never sits in memory twice.
 *
 * <p>DJL 0.36.0's PyTorch engine aborts the JVM on any bfloat16 NDArray, so bf16 tensors are widened
 * here in Java (exact: a bf16 value is the top half of the float32 with the same value).
 * Loading peaks at the model plus one tensor: each is mapped, copied into PyTorch and released.
 */
public final class SafetensorsFile {
    /** Tensors larger than this are mapped in row blocks (a single Java buffer holds under 2 GiB). */
    static final long MAX_BLOCK_BYTES = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor's entry in the header. */
    public record Entry(String name, String dtype, Shape shape, long begin, long end) {
        int elementBytes() {
            return switch (dtype) {
                case "F64", "I64" -> 8;
                case "F32", "I32" -> 4;
                case "F16", "BF16", "I16" -> 2;
                default -> 1;
            };
        }
    }

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
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CheckpointException(path + ": header is not valid JSON: " + e.getMessage());
            }
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
            return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries));
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
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
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong();
        }
        Entry e = new Entry(name, dtype.asText(), new Shape(dims), offsets.get(0).asLong(), offsets.get(1).asLong());
        if (e.begin < 0 || e.end < e.begin) {
            throw new CheckpointException(path + ": tensor '" + name + "' has invalid data_offsets ["
                    + e.begin + ", " + e.end + "]");
        }
        if (e.end > dataBytes) {
            throw new CheckpointException(path + ": tensor '" + name + "' data_offsets [" + e.begin + ", "
                    + e.end + "] point past the end of the data (" + dataBytes
                    + " bytes): the file is truncated or its header is corrupt");
        }
        if (e.end - e.begin != e.shape.size() * e.elementBytes()) {
            throw new CheckpointException(path + ": tensor '" + name + "' of shape " + e.shape + " and dtype "
                    + e.dtype + " needs " + e.shape.size() * e.elementBytes() + " bytes but data_offsets span "
                    + (e.end - e.begin));
        }
        return e;
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
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path + ": no tensor named '" + name + "'");
        }
        if (target != DataType.FLOAT32 && target != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be float32 or float16, not " + target);
        }
        long bytes = e.end - e.begin;
        if (bytes <= MAX_BLOCK_BYTES || e.shape.dimension() == 0) {
            return loadBlock(e, manager, target, e.begin, e.shape);
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
                blocks.add(loadBlock(e, manager, target, e.begin + row * rowBytes, new Shape(dims)));
            }
            return NDArrays.concat(blocks, 0);
        } finally {
            blocks.close();
        }
    }

    private NDArray loadBlock(Entry e, NDManager manager, DataType target, long begin, Shape shape) {
        int count = Math.toIntExact(shape.size());
        ByteBuffer mapped = map(begin, (long) count * e.elementBytes());
        NDManager cpu = manager.getDevice().isGpu() ? manager.newSubManager(ai.djl.Device.cpu()) : manager;
        try {
            ByteBuffer source = switch (e.dtype) {
                case "F32", "F16", "F64" -> mapped;
                case "BF16" -> widenBf16(mapped, count, target);
                default -> throw new CheckpointException(path + ": tensor '" + e.name + "' has dtype "
                        + e.dtype + "; weights must be F32, F16, BF16 or F64");
            };
            DataType stored = switch (e.dtype) {
                case "F32" -> DataType.FLOAT32;
                case "F16" -> DataType.FLOAT16;
                case "F64" -> DataType.FLOAT64;
                default -> target;
            };
            // an array over a Java buffer only borrows it: copy into PyTorch memory (one tensor at a time)
            NDArray onCpu = Tensors.owned(cpu.create(source, shape, stored), target);
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
