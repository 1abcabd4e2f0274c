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
        List<Object> shown = new ArrayList<>();
        Display.setSink(shown::add);
        try {
            evaluator.eval("display(\"first\");\ndisplay(List.of(7));");
        } finally {
            Display.setSink(null);
        }
        assertEquals(List.of("first", List.of(7)), shown);
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
}
