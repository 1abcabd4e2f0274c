package io.github.instructshift.kernel;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates notebook cells with JShell in this JVM. A cell may hold several snippets (statements,
 * declarations, expressions); the value of the last one is the cell's value when it is an
 * expression, as in IJava. Not thread-safe: one cell at a time; {@link #interrupt()} may be called
 * from any thread.
 */
public final class Evaluator implements AutoCloseable {
    /** JShell's own default imports (the jshell tool's DEFAULT startup), which IJava users also have. */
    static final String DEFAULT_IMPORTS = String.join("\n",
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;", "import java.util.stream.*;");

    /** IJava defines display(Object) for notebooks; same name and shape here, so notebooks run under both. */
    static final String DISPLAY_FUNCTION =
            "String display(Object o) { return io.github.instructshift.kernel.Display.display(o); }";

    /** Result of a cell: {@code hasValue} false for statements and declarations. */
    public record Result(boolean hasValue, Object value) {
        static final Result NONE = new Result(false, null);
    }

    private final ObjectExecutionControl control = new ObjectExecutionControl();
    private final JShell shell;
    private volatile boolean interrupted;

    /** An evaluator whose snippets see this JVM's class path (the project's classes and libraries). */
    public Evaluator() {
        this(System.getProperty("java.class.path", ""));
    }

    public Evaluator(String classPath) {
        this.shell = JShell.builder()
                .executionEngine(ObjectExecutionControl.provider(control), java.util.Map.of())
                .compilerOptions("-encoding", "UTF-8")
                .build();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                shell.addToClasspath(entry);
            }
        }
        eval(DEFAULT_IMPORTS);
        eval(DISPLAY_FUNCTION);
    }

    /**
     * Runs a cell. Returns its value, or throws {@link CellException} on the first snippet that
     * does not compile or throws; later snippets of that cell are not run.
     */
    public Result eval(String cell) {
        interrupted = false;
        control.clearValues();
        Result last = Result.NONE;
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = cell;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return last;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    throw new CellException("IncompleteInput", "the cell ends inside an unfinished statement: "
                            + firstLine(remaining), List.of("IncompleteInput: " + remaining.strip()));
                default:
                    break;
            }
            String source = info.source();
            remaining = info.remaining();
            last = evalSnippet(source);
        }
        control.clearValues();
        return last;
    }

    private Result evalSnippet(String source) {
        Result result = Result.NONE;
        List<SnippetEvent> events = shell.eval(source);
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet updated because of this one: not this cell's value
            }
            Snippet snippet = event.snippet();
            if (interrupted) {
                throw new CellException("Interrupted", "the cell was interrupted", List.of("Interrupted"));
            }
            if (event.exception() != null) {
                throw runtimeError(event.exception());
            }
            switch (event.status()) {
                case REJECTED:
                    throw compileError(snippet, source);
                case RECOVERABLE_DEFINED:
                case RECOVERABLE_NOT_DEFINED:
                    throw new CellException("UnresolvedReferenceException",
                            "'" + firstLine(source) + "' refers to undefined " + String.join(", ", shell.unresolvedDependencies(
                                    (jdk.jshell.DeclarationSnippet) snippet).toList()),
                            List.of("UnresolvedReferenceException: " + firstLine(source)));
                default:
                    break;
            }
            boolean expression = snippet.kind() == Snippet.Kind.EXPRESSION
                    || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
            if (expression) {
                Object missing = new Object();
                Object value = control.take(event.value(), missing);
                result = value == missing ? Result.NONE : new Result(true, value);
            } else {
                result = Result.NONE;
            }
        }
        return result;
    }

    private CellException compileError(Snippet snippet, String source) {
        List<String> lines = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        shell.diagnostics(snippet).filter(Diag::isError).forEach(d -> {
            String msg = d.getMessage(Locale.ROOT);
            messages.add(msg.lines().findFirst().orElse(msg));
            lines.add("CompilationException: " + msg);
            lines.addAll(pointAt(source, d));
        });
        if (messages.isEmpty()) {
            messages.add("the snippet was rejected: " + firstLine(source));
            lines.add("CompilationException: " + firstLine(source));
        }
        return new CellException("CompilationException", String.join("; ", messages), lines);
    }

    /** The offending source line and a caret under the column, as javac prints them. */
    private static List<String> pointAt(String source, Diag d) {
        long pos = d.getPosition();
        if (pos < 0 || pos > source.length()) {
            return List.of();
        }
        int start = source.lastIndexOf('\n', (int) Math.max(0, pos - 1)) + 1;
        if (pos == 0) {
            start = 0;
        }
        int end = source.indexOf('\n', (int) pos);
        String line = source.substring(start, end < 0 ? source.length() : end);
        return List.of(line, " ".repeat((int) pos - start) + "^");
    }

    private CellException runtimeError(JShellException e) {
        if (interrupted) {
            return new CellException("Interrupted", "the cell was interrupted", List.of("Interrupted"));
        }
        String ename;
        if (e instanceof EvalException ee) {
            ename = ee.getExceptionClassName();
        } else if (e instanceof UnresolvedReferenceException ure) {
            ename = "UnresolvedReferenceException";
            return new CellException(ename, "'" + firstLine(ure.getSnippet().source()) + "' refers to something undefined: "
                    + String.join(", ", shell.unresolvedDependencies(ure.getSnippet()).toList()),
                    List.of(ename + ": " + firstLine(ure.getSnippet().source())));
        } else {
            ename = e.getClass().getName();
        }
        String evalue = e.getMessage() == null ? "" : e.getMessage();
        List<String> traceback = new ArrayList<>();
        Throwable t = e;
        String prefix = "";
        while (t != null) {
            String cls = t instanceof EvalException ev ? ev.getExceptionClassName() : t.getClass().getName();
            traceback.add(prefix + cls + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement el : t.getStackTrace()) {
                traceback.add("\tat " + el);
            }
            t = t.getCause();
            prefix = "Caused by: ";
        }
        return new CellException(ename, evalue, traceback);
    }

    /** "complete", "incomplete" or "invalid", for Jupyter's is_complete_request. */
    public String completeness(String code) {
        SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(code);
        return switch (info.completeness()) {
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "incomplete";
            case UNKNOWN -> "invalid";
            default -> "complete";
        };
    }

    /** Completion candidates at {@code cursor}; {@code anchor[0]} receives where the replacement starts. */
    public List<String> complete(String code, int cursor, int[] anchor) {
        List<SourceCodeAnalysis.Suggestion> suggestions = shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor);
        return suggestions.stream().map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
    }

    /** Stops the running cell (from another thread); the cell fails with ename {@code Interrupted}. */
    public void interrupt() {
        interrupted = true;
        shell.stop();
    }

    @Override
    public void close() {
        shell.close();
    }

    static String firstLine(String source) {
        return source.strip().lines().findFirst().orElse("");
    }
}
