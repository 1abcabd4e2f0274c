package io.github.instructshift.kernel;

import jdk.jshell.DeclarationSnippet;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates notebook cells with JShell in this JVM. A cell may hold several snippets (statements,
 * declarations, expressions); the value of the last one is the cell's value when it is an
 * expression without a trailing {@code ;} (as in IPython). Methods and types of a cell are declared
 * before its other snippets run, so a statement may call a method declared further down. Errors
 * name lines within the cell. Not thread-safe: one cell at a time; {@link #interrupt()} may be
 * called from any thread.
 */
public final class Evaluator implements AutoCloseable {
    /** JShell's own default imports (the jshell tool's DEFAULT startup), which IJava users also have. */
    static final String DEFAULT_IMPORTS = String.join("\n",
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;", "import java.util.stream.*;");

    /** IJava's notebook functions, same names and shapes, so notebooks run under both kernels. */
    static final String DISPLAY_FUNCTIONS = String.join("\n",
            "String display(Object o) { return io.github.instructshift.kernel.Display.display(o); }",
            "void updateDisplay(String id, Object o) { io.github.instructshift.kernel.Display.updateDisplay(id, o); }");

    /** The name errors use for a cell evaluated without one (tests, the CLI). */
    static final String UNNAMED_CELL = "cell";

    /** Result of a cell: {@code hasValue} false for statements, declarations and values ending in {@code ;}. */
    public record Result(boolean hasValue, Object value) {
        static final Result NONE = new Result(false, null);
    }

    /**
     * One snippet of a cell: JShell's source for it (diagnostic positions count from its start)
     * and where that source starts in the cell.
     */
    private record Segment(String source, int offset) {
        /** The code, comments aside, ends with {@code ;}. */
        boolean endsWithSemicolon() {
            return lastCodeChar(source) == ';';
        }

        /** The cell line of the source's first non-blank character: line 1 of JShell's stack frames. */
        int firstLine(String cell) {
            return lineNumber(cell, offset + leadingSpace(source));
        }
    }

    /** Where a snippet's first line is, so that stack frames ({@code #id:line}) can name cell lines. */
    private record Origin(String cell, int firstLine) {
    }

    private final ObjectExecutionControl control = new ObjectExecutionControl();
    private final JShell shell;
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
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
        eval(DISPLAY_FUNCTIONS);
    }

    /** Runs a cell that has no name of its own; see {@link #eval(String, String)}. */
    public Result eval(String cell) {
        return eval(cell, UNNAMED_CELL);
    }

    /**
     * Runs a cell; {@code cellName} (e.g. {@code In [3]}) is how stack traces name its lines later.
     * Returns its value, or throws {@link CellException} on the first snippet that does not compile
     * or throws; later snippets of that cell are not run.
     */
    public Result eval(String cell, String cellName) {
        interrupted = false;
        control.clearValues();
        try {
            List<Segment> segments = split(cell);
            // declarations first: a statement may call a method or use a class declared below it
            List<Segment> declarations = new ArrayList<>();
            List<Segment> others = new ArrayList<>();
            for (Segment s : segments) {
                (isMethodOrType(s) ? declarations : others).add(s);
            }
            List<Snippet> declared = new ArrayList<>();
            for (Segment s : declarations) {
                evalSegment(s, cell, cellName, declared);
            }
            Result last = Result.NONE;
            for (Segment s : others) {
                last = evalSegment(s, cell, cellName, declared);
            }
            failOnUnresolved(declared, cell);
            boolean lastIsValue = !segments.isEmpty() && !others.isEmpty()
                    && segments.get(segments.size() - 1) == others.get(others.size() - 1);
            if (!lastIsValue || others.get(others.size() - 1).endsWithSemicolon()) {
                return Result.NONE; // IPython's rule: a trailing ';' hides the value
            }
            return last;
        } finally {
            control.clearValues();
        }
    }

    private List<Segment> split(String cell) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        List<Segment> segments = new ArrayList<>();
        String remaining = cell;
        while (!remaining.isBlank()) {
            int offset = cell.length() - remaining.length();
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return segments;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    throw new CellException("IncompleteInput", lineOf(cell, offset + leadingSpace(remaining))
                            + ": the cell ends inside an unfinished statement: " + firstLine(remaining),
                            List.of("IncompleteInput: " + remaining.strip()));
                default:
                    break;
            }
            String rest = info.remaining();
            String text = remaining.endsWith(rest) ? remaining.substring(0, remaining.length() - rest.length()) : remaining;
            segments.add(new Segment(info.source(), offset + sourceStart(text, info.source())));
            remaining = rest;
        }
        return segments;
    }

    /** Where JShell's source of a snippet starts within its text (JShell may drop leading comments, add a ';'). */
    private static int sourceStart(String text, String source) {
        String body = source.endsWith(";") ? source.substring(0, source.length() - 1) : source;
        int at = body.isBlank() ? -1 : text.indexOf(body);
        if (at < 0) {
            String head = firstLine(source);
            at = head.isEmpty() ? -1 : text.indexOf(head) - leadingSpace(source);
        }
        return at >= 0 ? at : leadingSpace(text);
    }

    /**
     * The last character of {@code source} that is code: not in a comment, string, character or
     * text block literal; 0 if there is none.
     */
    static char lastCodeChar(String source) {
        char last = 0;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                int eol = source.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (source.startsWith("/*", i)) {
                int close = source.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int close = source.indexOf("\"\"\"", i + 3);
                i = close < 0 ? n : close + 3;
                last = '"';
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                last = c;
            } else {
                if (!Character.isWhitespace(c)) {
                    last = c;
                }
                i++;
            }
        }
        return last;
    }

    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private boolean isMethodOrType(Segment s) {
        List<Snippet> snippets = shell.sourceCodeAnalysis().sourceToSnippets(s.source());
        return !snippets.isEmpty() && (snippets.get(0).kind() == Snippet.Kind.METHOD
                || snippets.get(0).kind() == Snippet.Kind.TYPE_DECL);
    }

    private Result evalSegment(Segment segment, String cell, String cellName, List<Snippet> declared) {
        Result result = Result.NONE;
        List<SnippetEvent> events = shell.eval(segment.source());
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet updated because of this one: not this cell's value
            }
            Snippet snippet = event.snippet();
            origins.put(snippet.id(), new Origin(cellName, segment.firstLine(cell)));
            if (interrupted) {
                throw interruptedError();
            }
            if (event.exception() != null) {
                throw runtimeError(event.exception());
            }
            if (event.status() == Snippet.Status.REJECTED) {
                throw compileError(snippet, segment, cell);
            }
            if (snippet instanceof DeclarationSnippet) {
                declared.add(snippet); // unresolved ones may still resolve by a later snippet of the cell
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

    /** A declaration of this cell that still refers to something nowhere defined is an error. */
    private void failOnUnresolved(List<Snippet> declared, String cell) {
        for (Snippet snippet : declared) {
            Snippet.Status status = shell.status(snippet);
            if (status == Snippet.Status.RECOVERABLE_DEFINED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                List<String> missing = shell.unresolvedDependencies((DeclarationSnippet) snippet).toList();
                if (missing.isEmpty()) {
                    continue;
                }
                Origin origin = origins.get(snippet.id());
                String where = origin == null ? "" : "line " + origin.firstLine() + ": ";
                throw new CellException("UnresolvedReferenceException",
                        where + "'" + firstLine(snippet.source()) + "' refers to undefined " + String.join(", ", missing),
                        List.of("UnresolvedReferenceException: " + where + firstLine(snippet.source())
                                + " (needs " + String.join(", ", missing) + ")"));
            }
        }
    }

    private CellException compileError(Snippet snippet, Segment segment, String cell) {
        List<String> lines = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        shell.diagnostics(snippet).filter(Diag::isError).forEach(d -> {
            String msg = d.getMessage(Locale.ROOT);
            String where = where(cell, segment, d);
            messages.add(where + msg.lines().findFirst().orElse(msg));
            lines.add("CompilationException: " + where + msg);
            lines.addAll(pointAt(segment.source(), d));
        });
        if (messages.isEmpty()) {
            String where = lineOf(cell, segment.offset()) + ": ";
            messages.add(where + "the snippet was rejected: " + firstLine(segment.source()));
            lines.add("CompilationException: " + where + firstLine(segment.source()));
        }
        return new CellException("CompilationException", String.join("; ", messages), lines);
    }

    /** "line L, column C: " of a diagnostic, counted within the cell (both from 1). */
    private static String where(String cell, Segment segment, Diag d) {
        long pos = d.getPosition();
        if (pos < 0) {
            return lineOf(cell, segment.offset()) + ": ";
        }
        int at = (int) Math.min(cell.length(), segment.offset() + pos);
        int lineStart = cell.lastIndexOf('\n', at - 1) + 1;
        return lineOf(cell, at) + ", column " + (at - lineStart + 1) + ": ";
    }

    private static String lineOf(String cell, int offset) {
        return "line " + lineNumber(cell, offset);
    }

    private static int lineNumber(String cell, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, cell.length()); i++) {
            if (cell.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The offending source line and a caret under the column, as javac prints them. */
    private static List<String> pointAt(String source, Diag d) {
        long pos = d.getPosition();
        if (pos < 0 || pos > source.length()) {
            return List.of();
        }
        int start = pos == 0 ? 0 : source.lastIndexOf('\n', (int) pos - 1) + 1;
        int end = source.indexOf('\n', (int) pos);
        String line = source.substring(start, end < 0 ? source.length() : end);
        return List.of(line, " ".repeat((int) pos - start) + "^");
    }

    private static CellException interruptedError() {
        return new CellException("Interrupted", "the cell was interrupted", List.of("Interrupted"));
    }

    private CellException runtimeError(JShellException e) {
        if (interrupted) {
            return interruptedError();
        }
        if (e instanceof UnresolvedReferenceException ure) {
            String ename = "UnresolvedReferenceException";
            Origin origin = origins.get(ure.getSnippet().id());
            String where = origin == null ? "" : origin.cell() + " line " + origin.firstLine() + ": ";
            return new CellException(ename, where + "'" + firstLine(ure.getSnippet().source())
                    + "' refers to something undefined: "
                    + String.join(", ", shell.unresolvedDependencies(ure.getSnippet()).toList()),
                    List.of(ename + ": " + where + firstLine(ure.getSnippet().source())));
        }
        String ename = e instanceof EvalException ee ? ee.getExceptionClassName() : e.getClass().getName();
        String evalue = e.getMessage() == null ? "" : e.getMessage();
        List<String> traceback = new ArrayList<>();
        Throwable t = e;
        String prefix = "";
        while (t != null) {
            String cls = t instanceof EvalException ev ? ev.getExceptionClassName() : t.getClass().getName();
            traceback.add(prefix + cls + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement el : t.getStackTrace()) {
                if (isMachinery(el)) {
                    break; // below the cell: JShell's and the kernel's own frames
                }
                traceback.add("\tat " + frame(el));
            }
            t = t.getCause();
            prefix = "Caused by: ";
        }
        return new CellException(ename, evalue, traceback);
    }

    /** The reflective call that runs a snippet: everything from here down is not the notebook's code. */
    private static boolean isMachinery(StackTraceElement el) {
        String c = el.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.equals("java.lang.reflect.Method")
                || c.startsWith(ObjectExecutionControl.class.getName());
    }

    /**
     * A stack frame with JShell's snippet position ({@code REPL.$JShell$12.f(#12:3)}) shown as the
     * cell line it came from ({@code f(In [4] line 5)}); other frames as Java prints them.
     */
    private String frame(StackTraceElement el) {
        String file = el.getFileName();
        Origin origin = file != null && file.startsWith("#") ? origins.get(file.substring(1)) : null;
        if (origin == null) {
            return el.toString();
        }
        String where = origin.cell() + (el.getLineNumber() > 0 ? " line " + (origin.firstLine() + el.getLineNumber() - 1) : "");
        String cls = el.getClassName().replaceFirst("^REPL\\.\\$JShell\\$\\d+\\$?", "");
        String method = el.getMethodName().equals("do_it$") ? "" : el.getMethodName();
        String name = cls.isEmpty() ? method : method.isEmpty() ? cls : cls.replace('$', '.') + "." + method;
        return (name.isEmpty() ? "" : name) + "(" + where + ")";
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

    /**
     * Signatures (and Javadoc where the JDK's sources are installed) of what is at {@code cursor},
     * for Shift+Tab; empty when nothing there is known. A cursor inside a name counts as at its end.
     */
    public String inspect(String code, int cursor) {
        int end = Math.max(0, Math.min(cursor, code.length()));
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        List<SourceCodeAnalysis.Documentation> docs = shell.sourceCodeAnalysis().documentation(code, end, true);
        if (docs.isEmpty() && end < code.length() && code.charAt(end) == '(') {
            docs = shell.sourceCodeAnalysis().documentation(code, end + 1, true);
        }
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(d.signature());
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                sb.append('\n').append(d.javadoc().strip());
            }
        }
        return sb.toString();
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
