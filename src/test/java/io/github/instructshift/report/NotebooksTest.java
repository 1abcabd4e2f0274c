package io.github.instructshift.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The committed notebooks are well-formed nbformat 4, kernel-neutral (plain Java for any Java kernel:
 * kernelspec "java", no magics, nothing from the project's kernel package), saved without outputs,
 * short, made of complete Java snippets, and declare in their metadata every file they write, which
 * is what environment/run-tests checks after running them.
 */
class NotebooksTest {
    static final List<String> SUITE = List.of("00-models", "01-attribution", "02-attention-heads", "03-ffn-concepts",
            "04-summary");
    static final Path DIR = Path.of("notebooks");
    static final Pattern WRITES = Pattern.compile("figures\\.(?:save|csv|html|json|file)\\(\\s*\"([^\"]+)\"");
    static final Pattern FINDINGS = Pattern.compile("figures\\.json\\(\\s*Findings\\.([A-Z]+)");
    static final Map<String, String> FINDINGS_FILES = Map.of("PAIR", Findings.PAIR, "ATTRIBUTION", Findings.ATTRIBUTION,
            "HEADS", Findings.HEADS, "FFN", Findings.FFN);
    static final int MAX_CELL_LINES = 15;

    private static JsonNode read(String name) throws IOException {
        return new ObjectMapper().readTree(Files.readString(DIR.resolve(name + ".ipynb")));
    }

    private static String source(JsonNode cell) {
        JsonNode s = cell.path("source");
        if (s.isTextual()) {
            return s.asText();
        }
        StringBuilder b = new StringBuilder();
        s.forEach(line -> b.append(line.asText()));
        return b.toString();
    }

    @Test
    void theSuiteIsTheFiveNumberedNotebooksInOrder() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted()
                    .forEach(n -> found.add(n.substring(0, n.length() - ".ipynb".length())));
        }
        assertEquals(SUITE, found);
    }

    @Test
    void everyNotebookIsNbformat4ForTheJavaKernelWithEmptyOutputs() throws IOException {
        for (String name : SUITE) {
            JsonNode nb = read(name);
            assertEquals(4, nb.path("nbformat").asInt(), name);
            assertTrue(nb.path("nbformat_minor").asInt() >= 5, name + ": cell ids need nbformat 4.5");
            JsonNode spec = nb.path("metadata").path("kernelspec");
            assertEquals("java", spec.path("name").asText(), name + ": kernelspec name");
            assertEquals("java", spec.path("language").asText(), name);
            assertEquals("java", nb.path("metadata").path("language_info").path("name").asText(), name);
            Set<String> ids = new HashSet<>();
            JsonNode cells = nb.path("cells");
            assertTrue(cells.size() > 1, name);
            assertEquals("markdown", cells.get(0).path("cell_type").asText(), name + ": starts with its title");
            assertTrue(source(cells.get(0)).startsWith("# " + name.substring(0, 2) + " "), name + ": title");
            for (JsonNode cell : cells) {
                String id = cell.path("id").asText();
                assertTrue(id.matches("[a-zA-Z0-9-_]{1,64}") && ids.add(id), name + ": cell id '" + id + "'");
                String type = cell.path("cell_type").asText();
                assertTrue(Set.of("code", "markdown").contains(type), name + ": cell type " + type);
                if (type.equals("code")) {
                    assertTrue(cell.path("outputs").isArray() && cell.path("outputs").isEmpty(),
                            name + " cell " + id + ": committed with outputs");
                    assertTrue(cell.path("execution_count").isNull(), name + " cell " + id + ": has an execution count");
                }
            }
        }
    }

    /**
     * Packages the jshell tool (and so our kernel) imports by default but IJava 1.3.0 does not: a notebook
     * that uses one of their types without importing it runs here and fails under IJava.
     */
    static final List<String> NOT_IMPORTED_BY_IJAVA = List.of("java.util.stream", "java.util.function", "java.nio.file");

    /** The public top-level types of a java.base package, read from the running JDK's jrt file system. */
    private static Set<String> publicTypes(String pkg) throws IOException {
        Path dir = java.nio.file.FileSystems.getFileSystem(java.net.URI.create("jrt:/"))
                .getPath("modules", "java.base", pkg.replace('.', '/'));
        Set<String> out = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
                    continue;
                }
                String simple = file.substring(0, file.length() - ".class".length());
                try {
                    if (java.lang.reflect.Modifier.isPublic(Class.forName(pkg + "." + simple, false, null).getModifiers())) {
                        out.add(simple);
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    @Test
    void notebooksImportWhatIJavaDoesNotImportForThem() throws IOException {
        Map<String, Set<String>> types = new java.util.LinkedHashMap<>();
        for (String pkg : NOT_IMPORTED_BY_IJAVA) {
            types.put(pkg, publicTypes(pkg));
        }
        assertTrue(types.get("java.util.stream").contains("Collectors") && types.get("java.nio.file").contains("Files"),
                "the JDK's types were read: " + types);
        for (String name : SUITE) {
            StringBuilder code = new StringBuilder();
            for (JsonNode cell : read(name).path("cells")) {
                if (cell.path("cell_type").asText().equals("code")) {
                    code.append(source(cell)).append('\n');
                }
            }
            String src = code.toString();
            String body = src.replaceAll("(?m)^\\s*import [^;]*;", "").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                    .replaceAll("//[^\\n]*", "");   // strings first, so "https://…" is not taken for a comment
            for (Map.Entry<String, Set<String>> pkg : types.entrySet()) {
                boolean wildcard = src.contains("import " + pkg.getKey() + ".*;");
                for (String type : pkg.getValue()) {
                    boolean used = Pattern.compile("(?<![\\w.])" + type + "\\b").matcher(body).find();
                    boolean imported = wildcard || src.contains("import " + pkg.getKey() + "." + type + ";");
                    assertFalse(used && !imported, name + " uses " + pkg.getKey() + "." + type
                            + " without importing it: IJava does not import " + pkg.getKey() + " by default");
                }
            }
        }
    }

    @Test
    void codeCellsArePlainShortCompleteJava() throws IOException {
        try (JShell shell = JShell.create()) {
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            for (String name : SUITE) {
                for (JsonNode cell : read(name).path("cells")) {
                    if (!cell.path("cell_type").asText().equals("code")) {
                        continue;
                    }
                    String src = source(cell);
                    String where = name + " cell " + cell.path("id").asText();
                    for (String line : src.split("\n")) {
                        String t = line.strip();
                        assertFalse(t.startsWith("%") || t.startsWith("!"), where + ": a kernel magic or shell line: " + t);
                    }
                    assertFalse(src.contains("io.github.instructshift.kernel"), where + ": uses the project kernel's helpers");
                    assertTrue(src.split("\n").length <= MAX_CELL_LINES, where + ": longer than " + MAX_CELL_LINES
                            + " lines; move the analysis into src/");
                    String remaining = src;
                    while (!remaining.isBlank()) {
                        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                        if (!info.completeness().isComplete()) {
                            fail(where + ": not a complete Java snippet (" + info.completeness() + "): " + remaining);
                        }
                        remaining = info.remaining();
                    }
                }
            }
        }
    }

    @Test
    void everyFileANotebookWritesIsDeclaredInItsMetadataAndViceVersa() throws IOException {
        for (String name : SUITE) {
            JsonNode nb = read(name);
            JsonNode meta = nb.path("metadata").path("instruct_shift");
            Set<String> declared = new HashSet<>();
            meta.path("outputs").forEach(n -> declared.add(n.asText()));
            meta.path("outputs_with_paper").forEach(n -> declared.add(n.asText()));
            assertFalse(meta.path("outputs").isEmpty(), name + ": metadata.instruct_shift.outputs is empty");
            Set<String> stems = new HashSet<>();
            for (String d : declared) {
                assertTrue(d.matches("[A-Za-z0-9][A-Za-z0-9._-]*\\.(png|svg|html|csv|json|txt)"), name + ": output " + d);
                stems.add(d.substring(0, d.lastIndexOf('.')));
            }
            Set<String> written = new HashSet<>();
            for (JsonNode cell : nb.path("cells")) {
                String src = source(cell);
                Matcher m = WRITES.matcher(src);
                while (m.find()) {
                    String n = m.group(1);
                    written.add(n.contains(".") && n.matches(".*\\.(txt|html)$") ? n.substring(0, n.lastIndexOf('.')) : n);
                }
                Matcher f = FINDINGS.matcher(src);
                while (f.find()) {
                    written.add(FINDINGS_FILES.get(f.group(1)));
                }
                if (src.contains("Findings.write(")) {
                    written.add("summary");
                }
            }
            assertEquals(stems, written, name + ": files written vs declared in metadata.instruct_shift");
        }
    }
}
