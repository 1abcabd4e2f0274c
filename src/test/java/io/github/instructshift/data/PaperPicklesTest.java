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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A protocol-3 pickle of the authors' dict layout, built opcode by opcode the way numpy pickles arrays. */
    private static byte[] pickle(int rows, int cols, String dtype, boolean fortran, float[] values,
                                 int inputTokens, int outputTokens) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(3);
        o.write('}');
        o.write('(');
        str(o, "ID");
        str(o, "x");
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
        o.write('K');
        o.write(rows);
        o.write('K');
        o.write(cols);
        o.write(0x86); // TUPLE2
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
