package io.github.instructshift.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The evaluator alone (no Jupyter): values, real objects, state across cells, errors, interrupt. */
class EvaluatorTest {
    private static Evaluator evaluator;

    @BeforeAll
    static void start() {
        evaluator = new Evaluator(); // one JShell for the class: creating one takes seconds
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    @Test
    void expressionValueIsTheRealObject() {
        Evaluator.Result r = evaluator.eval("1+1");
        assertTrue(r.hasValue());
        assertEquals(Integer.valueOf(2), r.value());
    }

    @Test
    void statementsAndDeclarationsHaveNoValueButKeepState() {
        assertFalse(evaluator.eval("int kept = 5;").hasValue());
        assertFalse(evaluator.eval("System.out.print(\"\");").hasValue());
        assertEquals(15, evaluator.eval("kept * 3").value());
    }

    @Test
    void aCellOfSeveralSnippetsYieldsTheLastExpression() {
        assertEquals(6, evaluator.eval("int a2 = 2;\nint b3 = 3;\na2 * b3").value());
        assertFalse(evaluator.eval("int c4 = 4;\nc4 * 2;\nint d5 = 5;").hasValue());
    }

    @Test
    void multiLineClassDefinitionThenUse() {
        evaluator.eval(String.join("\n",
                "class Counter {",
                "    private int n;",
                "    Counter bump() {",
                "        n += 2;",
                "        return this;",
                "    }",
                "    int get() { return n; }",
                "}"));
        assertEquals(6, evaluator.eval("new Counter().bump().bump().bump().get()").value());
    }

    @Test
    void commentsAndBlankCellsAreFine() {
        assertFalse(evaluator.eval("").hasValue());
        assertFalse(evaluator.eval("// only a comment\n/* and a block */").hasValue());
        assertEquals(2, evaluator.eval("1 + 1 // trailing comment").value());
        assertEquals(3, evaluator.eval("/* leading */ 1 + 2").value());
    }

    @Test
    void nullValueIsAValue() {
        Evaluator.Result r = evaluator.eval("String nothing = null;\nnothing");
        assertTrue(r.hasValue());
        assertNull(r.value());
    }

    @Test
    void imagesAndProjectClassesAreTheKernelsOwnClasses() {
        Object img = evaluator.eval("new java.awt.image.BufferedImage(3, 2, java.awt.image.BufferedImage.TYPE_INT_RGB)").value();
        assertInstanceOf(BufferedImage.class, img);
        assertEquals(3, ((BufferedImage) img).getWidth());
        // same Class object as the kernel's: rendering by instanceof works for project types
        Object html = evaluator.eval("new io.github.instructshift.kernel.Html(\"<p>x</p>\")").value();
        assertInstanceOf(Html.class, html);
        assertEquals("<p>x</p>", ((Html) html).html());
    }

    @Test
    void defaultImportsAsInTheJshellTool() {
        assertEquals(List.of(1, 2), evaluator.eval("new ArrayList<>(List.of(1, 2))").value());
        assertEquals(3L, evaluator.eval("Stream.of(\"a\", \"b\", \"c\").collect(Collectors.counting())").value());
    }

    @Test
    void runtimeExceptionBecomesErrorWithTheThrownClassAsEname() {
        CellException e = assertThrows(CellException.class, () -> evaluator.eval("int z = 0;\n7 / z"));
        assertEquals("java.lang.ArithmeticException", e.ename());
        assertEquals("/ by zero", e.evalue());
        assertEquals("java.lang.ArithmeticException: / by zero", e.traceback().get(0));

        CellException custom = assertThrows(CellException.class,
                () -> evaluator.eval("throw new IllegalStateException(\"boom\", new java.io.IOException(\"disk\"));"));
        assertEquals("java.lang.IllegalStateException", custom.ename());
        assertEquals("boom", custom.evalue());
        assertTrue(custom.traceback().contains("Caused by: java.io.IOException: disk"), custom.traceback().toString());
    }

    @Test
    void theCellStopsAtTheFailingSnippet() {
        assertThrows(CellException.class, () -> evaluator.eval("int stopped = 1;\nstopped = 1 / (stopped - 1);\nstopped = 99;"));
        assertEquals(1, evaluator.eval("stopped").value());
    }

    @Test
    void compileErrorNamesTheProblemAndPointsAtIt() {
        CellException e = assertThrows(CellException.class, () -> evaluator.eval("int wrong = \"text\";"));
        assertEquals("CompilationException", e.ename());
        assertTrue(e.evalue().contains("incompatible types"), e.evalue());
        assertTrue(e.traceback().contains("int wrong = \"text\";"), e.traceback().toString());
    }

    @Test
    void unresolvedReferenceIsAnError() {
        CellException e = assertThrows(CellException.class, () -> evaluator.eval("class UsesMissing { NoSuchType t; }"));
        assertEquals("UnresolvedReferenceException", e.ename());
        assertTrue(e.evalue().contains("NoSuchType"), e.evalue());
    }

    @Test
    void incompleteCellIsAnError() {
        CellException e = assertThrows(CellException.class, () -> evaluator.eval("for (int i = 0; i < 3; i++) {"));
        assertEquals("IncompleteInput", e.ename());
        assertEquals("incomplete", evaluator.completeness("for (int i = 0; i < 3; i++) {"));
        assertEquals("complete", evaluator.completeness("int done = 1;"));
    }

    @Test
    void stdoutOfACellGoesToSystemOut() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            evaluator.eval("System.out.println(\"grüße \" + (20 + 22));");
        } finally {
            System.setOut(saved);
        }
        assertEquals("grüße 42" + System.lineSeparator(), buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void displayFunctionReachesTheSink() {
        List<Display.Shown> shown = new ArrayList<>();
        Display.setSink(shown::add);
        String id;
        try {
            id = (String) evaluator.eval("display(\"first\");\nString shownId = display(List.of(7));\n"
                    + "updateDisplay(shownId, \"second\");\nshownId").value();
        } finally {
            Display.setSink(null);
        }
        assertEquals(List.of("first", List.of(7), "second"), shown.stream().map(Display.Shown::value).toList());
        assertEquals(List.of(false, false, true), shown.stream().map(Display.Shown::update).toList());
        assertNotEquals(shown.get(0).displayId(), shown.get(1).displayId(), "each display gets its own id");
        assertEquals(id, shown.get(1).displayId(), "display returns the id it showed under");
        assertEquals(id, shown.get(2).displayId(), "the update names the display it replaces");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void interruptStopsARunawayCellAndTheEvaluatorCarriesOn() throws Exception {
        CompletableFuture<CellException> running = CompletableFuture.supplyAsync(() ->
                assertThrows(CellException.class, () -> evaluator.eval("long spins = 0;\nwhile (true) { spins++; }")));
        Thread.sleep(1500);
        evaluator.interrupt();
        CellException e = running.get(30, TimeUnit.SECONDS);
        assertEquals("Interrupted", e.ename());
        assertEquals(4, evaluator.eval("2 + 2").value());
    }

    /** Busy loops without any call (nothing a Thread.interrupt could reach), and a sleep, on this JDK. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void interruptStopsBusyLoopsAndSleepsAndKeepsTheState() throws Exception {
        evaluator.eval("int keptAcrossInterrupts = 41;");
        for (String cell : List.of("while (true) {}", "long ticks = 0;\nfor (;;) ticks++;", "Thread.sleep(600_000);")) {
            CompletableFuture<CellException> running = CompletableFuture.supplyAsync(() ->
                    assertThrows(CellException.class, () -> evaluator.eval(cell)));
            Thread.sleep(1500);
            evaluator.interrupt();
            CellException e = running.get(20, TimeUnit.SECONDS);
            assertEquals("Interrupted", e.ename(), cell);
            assertEquals(42, evaluator.eval("keptAcrossInterrupts + 1").value(), cell);
        }
    }

    @Test
    void aTrailingSemicolonHidesTheValue() {
        evaluator.eval("List<Integer> semis = new ArrayList<>(List.of(1, 2, 3));");
        assertFalse(evaluator.eval("semis.add(4);").hasValue());
        assertFalse(evaluator.eval("semis.size(); // a comment after it").hasValue());
        Evaluator.Result bare = evaluator.eval("semis.size()");
        assertTrue(bare.hasValue());
        assertEquals(4, bare.value());
        assertEquals(4, evaluator.eval("semis.add(5);\nsemis.size() - 1").value());
        assertTrue(evaluator.eval("semis.size() // a ';' in a comment does not count;").hasValue());
        assertEquals("a;", evaluator.eval("\"a;\"").value(), "nor one inside a string");
        assertEquals(';', Evaluator.lastCodeChar("x /* ; */ + y; /* z */"));
        assertEquals('y', Evaluator.lastCodeChar("x + y /* ; */"));
    }

    @Test
    void aCellMayUseMethodsAndClassesDeclaredFurtherDown() {
        Evaluator.Result r = evaluator.eval("int forward = twice(new Box(21).v);\n"
                + "int twice(int x) { return 2 * x; }\nclass Box { int v; Box(int v) { this.v = v; } }");
        assertFalse(r.hasValue(), "the cell ends with a declaration");
        assertEquals(42, evaluator.eval("forward").value());
    }

    @Test
    void compileErrorsNameTheLineAndColumnWithinTheCell() {
        CellException e = assertThrows(CellException.class, () ->
                evaluator.eval("int fine = 1;\n\n   int broken = nosuchSymbol + 1;"));
        assertEquals("CompilationException", e.ename());
        assertTrue(e.evalue().startsWith("line 3, column 17: cannot find symbol"), e.evalue());
        assertTrue(e.traceback().get(0).contains("line 3, column 17"), e.traceback().toString());
    }

    @Test
    void stackTracesNameCellLinesNotSnippetIds() {
        evaluator.eval("int divide(int a, int b) {\n  int q = a / b;\n  return q;\n}", "In [7]");
        CellException e = assertThrows(CellException.class, () ->
                evaluator.eval("int a = 1;\nint r = divide(a, 0);", "In [8]"));
        assertEquals("java.lang.ArithmeticException", e.ename());
        List<String> tb = e.traceback();
        assertEquals("\tat divide(In [7] line 2)", tb.get(1), tb.toString());
        assertEquals("\tat (In [8] line 2)", tb.get(2), tb.toString());
        assertTrue(tb.stream().noneMatch(l -> l.contains("#") || l.contains("jdk.internal") || l.contains("REPL.")),
                tb.toString());
    }

    @Test
    void inspectGivesTheSignatureAtTheCursor() {
        String code = "Math.floorMod(7, 3)";
        String doc = evaluator.inspect(code, "Math.floorM".length());
        assertTrue(doc.contains("floorMod(int"), doc);
        evaluator.eval("int documentedHere(String label) { return label.length(); }");
        assertTrue(evaluator.inspect("documentedHere(", "documentedHere(".length()).contains("documentedHere(String label)"));
        assertEquals("", evaluator.inspect("   ", 1));
    }
}
