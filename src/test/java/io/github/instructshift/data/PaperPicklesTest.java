package io.github.instructshift.data;

import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaperPicklesTest {
    @TempDir
    Path tmp;

    @Test
    void readsAReleasedPickle() {
        PaperAttribution a = PaperPickles.read(Shared.paper().resolve("attributions/ifa_vicuna_7b/user_oriented_task_0.pkl"));
        assertEquals("user_oriented_task_0", a.id());
        assertEquals(82, a.input().size());
        assertEquals(23, a.output().size());
        assertEquals("\u2581The", a.input().get(0));
        assertEquals("\u2581Do", a.output().get(0));
        // values read with numpy from the same file (the array is stored in Fortran order)
        assertEquals(0, a.levels()[0][0]);
        assertEquals(2, a.levels()[0][2]);
        assertEquals(7, a.levels()[1][0]);
        assertEquals(4, a.levels()[2][0]);
        assertEquals(7, a.levels()[3][2]);
        assertEquals(1, a.levels()[2][3]);
    }

    @Test
    void emptyResponseIsAMatrixWithoutColumns() {
        PaperAttribution a = PaperPickles.read(Shared.paper().resolve("attributions/ifa_llama_7b/user_oriented_task_93.pkl"));
        assertEquals(0, a.output().size());
        assertEquals(a.input().size(), a.levels().length);
        assertEquals(0, a.levels()[0].length);
    }

    @Test
    void cAndFortranOrderBothReadRowMajor() throws Exception {
        float[] values = {0, 1, 2, 3, 4, 5};
        PaperAttribution c = PaperPickles.read(write("c.pkl", pickle(2, 3, "f4", false, values, 2, 3)));
        assertArrayEquals(new double[] {0, 1, 2}, c.levels()[0]);
        assertArrayEquals(new double[] {3, 4, 5}, c.levels()[1]);
        PaperAttribution f = PaperPickles.read(write("f.pkl", pickle(2, 3, "f4", true, values, 2, 3)));
        assertArrayEquals(new double[] {0, 2, 4}, f.levels()[0]);
        assertArrayEquals(new double[] {1, 3, 5}, f.levels()[1]);
    }

    @Test
    void arrayOfAnotherShapeNamesFileAndField() throws Exception {
        Path p = write("shape.pkl", pickle(2, 3, "f4", false, new float[6], 3, 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("Explain")
                && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void unsupportedDtypeMissingFieldsAndGarbageAreErrors() throws Exception {
        Path ints = write("int.pkl", pickle(1, 2, "i4", false, new float[2], 1, 2));
        assertTrue(assertThrows(DataFormatException.class, () -> PaperPickles.read(ints)).getMessage().contains("i4"));

        // protocol 2: {"ID": "a"} -- no Input
        byte[] noInput = {(byte) 0x80, 2, '}', '(', 'X', 2, 0, 0, 0, 'I', 'D', 'X', 1, 0, 0, 0, 'a', 'u', '.'};
        Path missing = write("missing.pkl", noInput);
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("field Input"), e.getMessage());

        Path list = write("list.pkl", new byte[] {(byte) 0x80, 2, ']', '.'});
        assertTrue(assertThrows(DataFormatException.class, () -> PaperPickles.read(list)).getMessage().contains("dict"));

        Path garbage = write("garbage.pkl", "not a pickle at all".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(DataFormatException.class, () -> PaperPickles.read(garbage))
                .getMessage().contains(garbage.toString()));
    }

    @Test
    void aDictThatIsItsOwnKeyIsRefusedWithoutRecursing() throws Exception {
        // d = {}; d[d] = None; d[d] = None -- the second put hashes d, which holds itself
        Path p = write("self.pkl", ops(0x80, 4, '}', 0x94, 'h', 0, 'N', 's', 'h', 0, 'N', 's', '.'));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("second reference"), e.getMessage());
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() throws Exception {
        // {[[[...]]]: None} with 100,000 levels: hashing the key would recurse 100,000 deep
        int levels = 100_000;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(ops(0x80, 4, '}'));
        o.writeBytes(ops(new int[levels], ']'));
        o.writeBytes(ops(new int[levels - 1], 'a'));
        o.writeBytes(ops('N', 's', '.'));
        Path p = write("deep.pkl", o.toByteArray());
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("nested 33 deep"), e.getMessage());
    }

    @Test
    void aDeclaredLengthBeyondTheFileIsRefusedBeforeAllocating() throws Exception {
        // 14 bytes that declare a 2^31-byte bytes object (BINBYTES8), and 2^31 - 1 via the 4-byte BINBYTES
        Path p8 = write("huge8.pkl", ops(0x80, 4, 0x8e, 0, 0, 0, 0x80, 0, 0, 0, 0, 'a', 'b', '.'));
        assertEquals(14, Files.size(p8));
        DataFormatException e8 = assertThrows(DataFormatException.class, () -> PaperPickles.read(p8));
        assertTrue(e8.getMessage().contains(p8.toString()) && e8.getMessage().contains("length of 2147483648 bytes")
                && e8.getMessage().contains("only 3 bytes left"), e8.getMessage());
        Path p4 = write("huge4.pkl", ops(0x80, 4, 'B', 0xff, 0xff, 0xff, 0x7f, '.'));
        DataFormatException e4 = assertThrows(DataFormatException.class, () -> PaperPickles.read(p4));
        assertTrue(e4.getMessage().contains("length of 2147483647 bytes"), e4.getMessage());
    }

    @Test
    void aShapeDimensionBeyondIntIsRefusedNotTruncated() throws Exception {
        // 2^32 + 2 truncated to an int is 2, which would match two input tokens
        Path p = write("wide.pkl", pickle("x", new long[] {(1L << 32) + 2, 3}, "f4", false, new float[6], 2, 3));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("4294967298"), e.getMessage());
    }

    @Test
    void nonFiniteLevelsAreRefused() throws Exception {
        Path p = write("nan.pkl", pickle(2, 2, "f4", false, new float[] {0, 1, Float.NaN, 3}, 2, 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("Explain[1][0] is NaN"), e.getMessage());
        Path inf = write("inf.pkl", pickle(1, 2, "f4", false, new float[] {Float.POSITIVE_INFINITY, 1}, 1, 2));
        assertTrue(assertThrows(DataFormatException.class, () -> PaperPickles.read(inf)).getMessage()
                .contains("Infinity"));
    }

    @Test
    void globalsOutsideTheNumpyAllowlistAreRefusedByName() throws Exception {
        for (String[] g : new String[][] {{"os", "system"}, {"builtins", "eval"}, {"numpy", "frombuffer"}}) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(ops(0x80, 2));
            global(o, g[0], g[1]);
            o.writeBytes(ops(')', 'R', '.'));
            Path p = write(g[1] + ".pkl", o.toByteArray());
            DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.read(p));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains(g[0] + "." + g[1])
                    && e.getMessage().contains("not allowed"), e.getMessage());
        }
    }

    @Test
    void theNumpyConstructorsStayOutOfPyrolitesGlobalTable() throws Exception {
        byte[] bytes = pickle(1, 1, "f4", false, new float[] {1}, 1, 1);
        PaperPickles.read(write("ok.pkl", bytes)); // loads PaperPickles and reads through its own unpickler
        // a plain Unpickler (the kernel's) still knows nothing of numpy: it cannot build the array
        PickleException e = assertThrows(PickleException.class, () -> new Unpickler().loads(bytes));
        assertTrue(e.getMessage().contains("numpy.core.multiarray._reconstruct"), e.getMessage());
    }

    @Test
    void duplicateIdsAreRefusedNamingBothFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dup"));
        Path a = dir.resolve("a.pkl");
        Path b = dir.resolve("b.pkl");
        Files.write(a, pickle("a", new long[] {1, 1}, "f4", false, new float[1], 1, 1));
        Files.write(b, pickle("a", new long[] {1, 1}, "f4", false, new float[1], 1, 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.readDirectory(dir));
        assertTrue(e.getMessage().contains("duplicate") && e.getMessage().contains(a.toString())
                && e.getMessage().contains(b.toString()), e.getMessage());
    }

    @Test
    void anIdThatDiffersFromItsFileNameNamesTheRealFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("renamed"));
        Path file = dir.resolve("prompt_7.pkl");
        Files.write(file, pickle("prompt_8", new long[] {1, 1}, "f4", false, new float[1], 1, 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperPickles.readDirectory(dir));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("prompt_8")
                && e.getMessage().contains("differs from its file name"), e.getMessage());
        assertFalse(e.getMessage().contains("prompt_8.pkl"), "no path that does not exist: " + e.getMessage());
    }

    @Test
    void everyReleasedPickleReadsThroughTheGuards() {
        for (String model : new String[] {"ifa_llama_7b", "ifa_vicuna_7b"}) {
            assertEquals(632, PaperPickles.readDirectory(Shared.paper().resolve("attributions").resolve(model)).size());
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A protocol-3 pickle of the authors' dict layout, built opcode by opcode the way numpy pickles arrays. */
    private static byte[] pickle(int rows, int cols, String dtype, boolean fortran, float[] values,
                                 int inputTokens, int outputTokens) {
        return pickle("x", new long[] {rows, cols}, dtype, fortran, values, inputTokens, outputTokens);
    }

    /** The same with any ID and any shape; dimensions above 255 are written as LONG1, as pickle does. */
    private static byte[] pickle(String id, long[] shape, String dtype, boolean fortran, float[] values,
                                 int inputTokens, int outputTokens) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(3);
        o.write('}');
        o.write('(');
        str(o, "ID");
        str(o, id);
        str(o, "Input");
        list(o, inputTokens);
        str(o, "Reference");
        str(o, "r");
        str(o, "Output");
        list(o, outputTokens);
        str(o, "Explain");
        global(o, "numpy.core.multiarray", "_reconstruct");
        global(o, "numpy", "ndarray");
        o.write('K');
        o.write(0);
        o.write(0x85); // TUPLE1
        o.write('C');
        o.write(1);
        o.write('b');
        o.write(0x87); // TUPLE3
        o.write('R');
        o.write('(');
        o.write('K');
        o.write(1);
        o.write('(');
        for (long d : shape) {
            if (d >= 0 && d < 256) {
                o.write('K');
                o.write((int) d);
            } else {
                byte[] le = java.math.BigInteger.valueOf(d).toByteArray();
                o.write(0x8a); // LONG1: little-endian two's complement
                o.write(le.length);
                for (int i = le.length - 1; i >= 0; i--) {
                    o.write(le[i]);
                }
            }
        }
        o.write('t');
        global(o, "numpy", "dtype");
        str(o, dtype);
        o.write(0x89);
        o.write(0x88);
        o.write(0x87);
        o.write('R');
        o.write('(');
        o.write('K');
        o.write(3);
        str(o, "<");
        o.write('N');
        o.write('N');
        o.write('N');
        o.write('J');
        o.writeBytes(new byte[] {-1, -1, -1, -1});
        o.write('J');
        o.writeBytes(new byte[] {-1, -1, -1, -1});
        o.write('K');
        o.write(0);
        o.write('t');
        o.write('b');
        o.write(fortran ? 0x88 : 0x89);
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        o.write('B');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(values.length * 4).array());
        o.writeBytes(data.array());
        o.write('t');
        o.write('b');
        o.write('u');
        o.write('.');
        return o.toByteArray();
    }

    /** Opcode and argument bytes, each int one byte. */
    private static byte[] ops(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    /** {@code times.length} copies of one opcode. */
    private static byte[] ops(int[] times, int opcode) {
        java.util.Arrays.fill(times, opcode);
        return ops(times);
    }

    private static void str(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write('X');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        o.writeBytes(b);
    }

    private static void list(ByteArrayOutputStream o, int n) {
        o.write(']');
        o.write('(');
        for (int i = 0; i < n; i++) {
            str(o, "t" + i);
        }
        o.write('e');
    }

    private static void global(ByteArrayOutputStream o, String module, String name) {
        o.write('c');
        o.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

}
