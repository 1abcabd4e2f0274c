package io.github.instructshift.kernel;

import java.util.List;

/**
 * A cell that failed to compile or threw: carries the Jupyter error triple. {@code ename} is the
 * fully qualified class of the exception the cell threw (e.g. {@code java.lang.ArithmeticException}),
 * or {@code CompilationException} / {@code UnresolvedReferenceException} / {@code IncompleteInput} /
 * {@code Interrupted} for failures of the cell as code.
 */
public class CellException extends KernelException {
    private final String ename;
    private final String evalue;
    private final List<String> traceback;

    public CellException(String ename, String evalue, List<String> traceback) {
        super(ename + ": " + evalue);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    public String ename() {
        return ename;
    }

    public String evalue() {
        return evalue;
    }

    public List<String> traceback() {
        return traceback;
    }
}
