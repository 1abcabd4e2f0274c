package io.github.instructshift.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    /** Captured lines of a Progress whose clock advances {@code secondsPerStep} before every step. */
    static List<String> run(int total, double secondsPerStep) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress p = new Progress("task", "items", total, new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);
        for (int i = 0; i < total; i++) {
            clock.addAndGet((long) (secondsPerStep * 1e9));
            p.step("item " + i);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void fastWorkPrintsTheStartThenEachTenthAndTheEnd() {
        List<String> lines = run(100, 0.01);
        assertEquals("task: 100 items to do", lines.get(0));
        assertEquals(11, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("task: 10/100 items (10%), 0.1 s elapsed, 100.0 items/s, ETA 0.9 s [item 9]"),
                lines.get(1));
        assertTrue(lines.get(10).startsWith("task: 100/100 items (100%), 1.0 s elapsed"), lines.get(10));
        assertTrue(!lines.get(10).contains("ETA"), "no ETA once done: " + lines.get(10));
    }

    @Test
    void slowWorkPrintsEveryStepWithTimePerItemAndEta() {
        List<String> lines = run(30, 150);
        assertEquals(31, lines.size(), "a step every 150 s is always past the 2 s interval");
        assertEquals("task: 2/30 items (7%), 5 min 00 s elapsed, 2 min 30 s each, ETA 1 h 10 min [item 1]", lines.get(2));
    }

    @Test
    void nothingToDoStillSaysSo() {
        assertEquals(List.of("task: 0 items to do"), run(0, 1));
    }
}
