package io.github.instructshift.data;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pyrolite's unpickler with the guards a file from elsewhere needs. Pyrolite resolves globals in a
 * JVM-wide table and falls back to a {@code ClassDict} for any name; this one resolves only the
 * globals it is given (per instance, so nothing leaks into other unpicklers, e.g. the kernel's) and
 * refuses the rest. It refuses what the released pickles never use and what can make a graph that
 * Java's {@code hashCode}/{@code equals} recurse through forever: memo references to lists, dicts and
 * sets (the only way to a cycle, besides DUP), unhashable dict keys, nesting deeper than
 * {@link #MAX_DEPTH}. Every declared length is checked against the bytes left in the file before
 * Pyrolite allocates it. Errors are {@link DataFormatException}s naming the file and the byte offset.
 */
final class GuardedUnpickler extends Unpickler {
    /** The released pickles nest 2 deep (dict of lists of str); real numpy states add one or two levels. */
    static final int MAX_DEPTH = 32;

    private final Path file;
    private final Map<String, IObjectConstructor> globals;
    private final Map<Object, Integer> depths = new IdentityHashMap<>();
    private ByteArrayInputStream in;
    private int fileLength;

    GuardedUnpickler(Path file, Map<String, IObjectConstructor> globals) {
        this.file = file;
        this.globals = Map.copyOf(globals);
    }

    Object load(byte[] bytes) throws IOException {
        in = new ByteArrayInputStream(bytes);
        fileLength = bytes.length;
        return load(in);
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw refuse("a global whose module or name is not a str");
                }
                stack.add(resolve(m, n));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.PERSID, Opcodes.BINPERSID, Opcodes.DUP, Opcodes.EXT1,
                    Opcodes.EXT2, Opcodes.EXT4, Opcodes.NEXT_BUFFER ->
                    throw refuse("opcode " + key + ", which an attribution pickle never needs");
            case Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.BINSTRING, Opcodes.LONG4 -> checkDeclaredLength(4);
            case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8 -> checkDeclaredLength(8);
            case Opcodes.GET, Opcodes.BINGET, Opcodes.LONG_BINGET -> {
                Object result = super.dispatch(key);
                if (isContainer(stack.peek())) {
                    throw refuse("a second reference to a " + PaperPickles.typeName(stack.peek())
                            + " (shared or self-referencing containers are not supported)");
                }
                return result;
            }
            case Opcodes.APPEND, Opcodes.TUPLE1 -> {
                return combining(key, peekTop(1), false);
            }
            case Opcodes.SETITEM, Opcodes.TUPLE2 -> {
                return combining(key, peekTop(2), key == Opcodes.SETITEM);
            }
            case Opcodes.TUPLE3 -> {
                return combining(key, peekTop(3), false);
            }
            case Opcodes.APPENDS, Opcodes.TUPLE, Opcodes.LIST -> {
                return combining(key, peekSinceMark(), false);
            }
            case Opcodes.SETITEMS, Opcodes.DICT -> {
                return combining(key, peekSinceMark(), true);
            }
            case Opcodes.ADDITEMS, Opcodes.FROZENSET -> {
                List<Object> items = peekSinceMark();
                for (Object o : items) {
                    requireHashable(o, "a set element");
                }
                return combining(key, items, false);
            }
            default -> {
            }
        }
        return super.dispatch(key);
    }

    private IObjectConstructor resolve(String module, String name) {
        IObjectConstructor c = globals.get(module + "." + name);
        if (c == null) {
            throw new DataFormatException(file + ": refers to the Python global " + module + "." + name
                    + ", which is not allowed (allowed: " + String.join(", ", globals.keySet().stream().sorted().toList())
                    + ")");
        }
        return c;
    }

    /** Runs a container-building opcode after checking its items, then records the container's depth. */
    private Object combining(short key, List<Object> items, boolean keyValuePairs) throws IOException {
        int deepest = 0;
        for (int i = 0; i < items.size(); i++) {
            if (keyValuePairs && i % 2 == 0) {
                requireHashable(items.get(i), "a dict key");
            }
            deepest = Math.max(deepest, depth(items.get(i)));
        }
        Object result = super.dispatch(key);
        Object container = stack.peek();
        int d = Math.max(depth(container), deepest + 1);
        if (d > MAX_DEPTH) {
            throw refuse("containers nested " + d + " deep (at most " + MAX_DEPTH + ")");
        }
        depths.put(container, d);
        return result;
    }

    private int depth(Object o) {
        return isContainer(o) || o instanceof Object[] ? depths.getOrDefault(o, 1) : 0;
    }

    private static boolean isContainer(Object o) {
        return o instanceof List<?> || o instanceof Map<?, ?> || o instanceof Set<?>;
    }

    private void requireHashable(Object o, String what) {
        if (isContainer(o)) {
            throw refuse(what + " that is a " + PaperPickles.typeName(o) + " (unhashable in Python)");
        }
    }

    /** The top {@code n} items, left in place. */
    private List<Object> peekTop(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = stack.pop();
        }
        for (Object o : items) {
            stack.add(o);
        }
        return java.util.Arrays.asList(items);
    }

    /** The items above the topmost mark, left in place. */
    private List<Object> peekSinceMark() {
        List<Object> items = stack.pop_all_since_marker();
        stack.add_mark();
        items.forEach(stack::add);
        return items;
    }

    /** A length field of {@code width} bytes must not declare more than the file still holds. */
    private void checkDeclaredLength(int width) {
        in.mark(width);
        byte[] field = new byte[width];
        int got = in.read(field, 0, width);
        in.reset();
        if (got < width) {
            return; // Pyrolite reports the premature end itself
        }
        long declared = width == 4 ? PickleUtils.bytes_to_integer(field) : PickleUtils.bytes_to_long(field, 0);
        long left = in.available() - width;
        if (declared < 0 || declared > left) {
            throw refuse("a length of " + declared + " bytes with only " + left + " bytes left in the file");
        }
    }

    private DataFormatException refuse(String what) {
        long offset = in == null ? -1 : fileLength - in.available();
        return new DataFormatException(file + ": not an attribution pickle: byte " + offset + " holds " + what);
    }
}
