package io.github.instructshift.report;

import io.github.instructshift.kernel.Evaluator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Library and project INFO lines stay out of notebook cells (slf4j-simple at WARN by default). */
class QuietLogsTest {

    @Test
    void aCellThatLogsAtInfoPrintsNothingButWarningsStillShow() {
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (Evaluator evaluator = new Evaluator()) {
            System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            // what DJL (native extraction, engine start) and the model loader say while a notebook loads a pair
            evaluator.eval(String.join("\n",
                    "org.slf4j.LoggerFactory.getLogger(\"ai.djl.pytorch.jni.LibUtils\").info(\"Extracting native\");",
                    "org.slf4j.LoggerFactory.getLogger(io.github.instructshift.model.CausalLM.class).info(\"loaded m\");",
                    "org.slf4j.LoggerFactory.getLogger(io.github.instructshift.ffn.FfnConcepts.class).info(\"layer 1\");",
                    "org.slf4j.LoggerFactory.getLogger(\"ai.djl.engine.Engine\").warn(\"a real warning\");"));
        } finally {
            System.setErr(err);
        }
        String cell = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(cell.contains("a real warning"), "the captured stream is the one the logger writes to: " + cell);
        assertFalse(cell.contains("INFO"), cell);
        assertFalse(cell.contains("Extracting native") || cell.contains("loaded m") || cell.contains("layer 1"), cell);
    }
}
