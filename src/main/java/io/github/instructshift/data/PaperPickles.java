package io.github.instructshift.data;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the authors' attribution pickles with Pyrolite. A pickle holds a dict {@code ID, Input,
 * Reference, Output, Explain}; {@code Explain} is a numpy array, which pickles as
 * {@code numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')} followed by a BUILD with the state
 * tuple {@code (version, shape, dtype, fortran_order, raw_bytes)}, and the dtype itself as
 * {@code numpy.dtype('f4', False, True)} with its own BUILD state {@code (3, '<', ...)}. Those globals
 * resolve to small state holders with {@code __setstate__}; any other global is refused
 * ({@link GuardedUnpickler}). The released arrays are Fortran-ordered, so the order flag matters.
 */
public final class PaperPickles {
    /** Larger than any released pickle (the largest is 0.5 MB) by two orders of magnitude. */
    static final long MAX_FILE_BYTES = 64L << 20;

    /**
     * The only globals a released pickle names (numpy 1 and numpy 2 spellings of {@code _reconstruct});
     * none of them is a builtin. Held per unpickler, never in Pyrolite's JVM-wide table.
     */
    private static final Map<String, IObjectConstructor> NUMPY_GLOBALS = Map.of(
            "numpy.core.multiarray._reconstruct", NdArrayState::reconstruct,
            "numpy._core.multiarray._reconstruct", NdArrayState::reconstruct,
            "numpy.ndarray", args -> {
                throw new PickleException("numpy.ndarray is only an argument of _reconstruct, never called");
            },
            "numpy.dtype", DtypeState::new);

    private PaperPickles() {}

    /**
     * Reads every {@code *.pkl} of a directory, sorted by file name. Each must hold the ID its file is
     * named after ({@code ID.pkl}), and no ID may occur twice: both would make the tables count a
     * prompt under the wrong name or twice.
     */
    public static List<PaperAttribution> readDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException("No such directory of attribution pickles: " + dir);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> pickles = files.filter(p -> p.getFileName().toString().endsWith(".pkl")).sorted().toList();
            List<PaperAttribution> out = new ArrayList<>(pickles.size());
            Map<String, Path> seen = new HashMap<>();
            for (Path p : pickles) {
                PaperAttribution a = read(p);
                Path before = seen.putIfAbsent(a.id(), p);
                if (before != null) {
                    throw new DataFormatException("duplicate prompt ID " + a.id() + " in " + before + " and " + p);
                }
                String named = p.getFileName().toString().replaceFirst("\\.pkl$", "");
                if (!named.equals(a.id())) {
                    throw new DataFormatException(p + ": holds ID " + a.id() + ", which differs from its file name ("
                            + named + ")");
                }
                out.add(a);
            }
            return out;
        } catch (IOException e) {
            throw new DataFormatException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public static PaperAttribution read(Path file) {
        Object root;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new DataFormatException(file + ": " + size + " bytes, more than an attribution pickle can be ("
                        + MAX_FILE_BYTES + ")");
            }
            root = new GuardedUnpickler(file, NUMPY_GLOBALS).load(Files.readAllBytes(file));
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file + ": not a readable pickle: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new DataFormatException(file + ": expected a dict at the top level, found " + typeName(root));
        }
        String id = string(file, map, "ID");
        List<String> input = tokens(file, map, "Input");
        String reference = string(file, map, "Reference");
        List<String> output = tokens(file, map, "Output");
        Object explain = map.get("Explain");
        if (!(explain instanceof NdArrayState array)) {
            throw new DataFormatException(file + ": field Explain should be a numpy array, found " + typeName(explain));
        }
        double[][] levels = array.toMatrix(file, input.size(), output.size());
        return new PaperAttribution(id, input, reference, output, levels);
    }

    private static String string(Path file, Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (!(v instanceof String s)) {
            throw new DataFormatException(file + ": field " + key + " should be a str, found " + typeName(v));
        }
        return s;
    }

    private static List<String> tokens(Path file, Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (!(v instanceof List<?> list)) {
            throw new DataFormatException(file + ": field " + key + " should be a list of str, found " + typeName(v));
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new DataFormatException(file + ": field " + key + "[" + i + "] should be a str, found "
                        + typeName(list.get(i)));
            }
            out.add(s);
        }
        return out;
    }

    static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    /** What {@code numpy.dtype(...)} unpickles to: the type code and, after BUILD, the byte order. */
    public static final class DtypeState {
        final String code;
        String byteOrder = "=";

        DtypeState(Object[] args) {
            code = args.length > 0 && args[0] instanceof String s ? s : String.valueOf(args.length > 0 ? args[0] : null);
        }

        public void __setstate__(Object[] state) {
            if (state.length > 1 && state[1] instanceof String order) {
                byteOrder = order;
            }
        }
    }

    /** What {@code _reconstruct} unpickles to; BUILD fills in shape, dtype, order and the raw bytes. */
    public static final class NdArrayState {
        int[] shape;

        static NdArrayState reconstruct(Object[] args) {
            return new NdArrayState();
        }

        DtypeState dtype;
        boolean fortran;
        byte[] data;
        String problem;

        public void __setstate__(Object[] state) {
            if (state.length != 5) {
                problem = "array state has " + state.length + " entries, expected 5";
                return;
            }
            if (!(state[1] instanceof Object[] dims)) {
                problem = "array shape is " + typeName(state[1]);
                return;
            }
            int[] parsed = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                // a dimension beyond int is refused, never truncated to a plausible small one
                if (!(dims[i] instanceof Integer || dims[i] instanceof Long)
                        || ((Number) dims[i]).longValue() < 0 || ((Number) dims[i]).longValue() > Integer.MAX_VALUE) {
                    problem = "array dimension " + i + " is " + dims[i] + ", outside 0.." + Integer.MAX_VALUE;
                    return;
                }
                parsed[i] = ((Number) dims[i]).intValue();
            }
            shape = parsed;
            dtype = state[2] instanceof DtypeState d ? d : null;
            fortran = Boolean.TRUE.equals(state[3]);
            data = state[4] instanceof byte[] b ? b : null;
        }

        double[][] toMatrix(Path file, int rows, int cols) {
            if (problem != null || shape == null || dtype == null || data == null) {
                throw new DataFormatException(file + ": field Explain is not a plain numpy array ("
                        + (problem != null ? problem : "missing shape, dtype or data") + ")");
            }
            int width = switch (dtype.code) {
                case "f4" -> 4;
                case "f8" -> 8;
                default -> throw new DataFormatException(file + ": field Explain has dtype " + dtype.code
                        + ", expected float32 (f4) or float64 (f8)");
            };
            long count = 1;
            for (int d : shape) {
                // saturates instead of overflowing, so a huge declared shape can never look small
                count = d != 0 && count > Long.MAX_VALUE / d ? Long.MAX_VALUE : count * d;
            }
            if (count > data.length / width || count * width != data.length) {
                throw new DataFormatException(file + ": field Explain holds " + data.length + " bytes, its shape "
                        + java.util.Arrays.toString(shape) + " needs " + (count > Long.MAX_VALUE / width
                        ? "more than " + Long.MAX_VALUE : String.valueOf(count * width)));
            }
            if (count == 0 && cols == 0) {
                // The released data has one prompt (LLaMA, user_oriented_task_93) with an empty response
                // and an empty 1-D array; that is a matrix with no columns, not a malformed file.
                return new double[rows][0];
            }
            if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
                throw new DataFormatException(file + ": field Explain has shape " + java.util.Arrays.toString(shape)
                        + ", expected [len(Input)=" + rows + ", len(Output)=" + cols + "]");
            }
            ByteBuffer buf = ByteBuffer.wrap(data).order(">".equals(dtype.byteOrder)
                    ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            double[][] out = new double[rows][cols];
            for (int k = 0; k < count; k++) {
                double v = width == 4 ? buf.getFloat(k * 4) : buf.getDouble(k * 8);
                int r = fortran ? k % rows : k / cols;
                int c = fortran ? k / rows : k % cols;
                if (!Double.isFinite(v)) {
                    throw new DataFormatException(file + ": field Explain[" + r + "][" + c + "] is " + v
                            + ", an attribution level must be a finite number");
                }
                out[r][c] = v;
            }
            return out;
        }
    }
}
