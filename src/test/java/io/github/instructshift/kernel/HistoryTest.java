package io.github.instructshift.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HistoryTest {
    private static History threeCells() {
        History h = new History();
        h.add(1, "int x = 1;");
        h.add(2, "x + 1");
        h.add(3, "int y = x;");
        h.add(4, "x + 1");
        return h;
    }

    private static List<Integer> lines(List<History.Entry> entries) {
        return entries.stream().map(History.Entry::line).toList();
    }

    @Test
    void tailGivesTheLastCellsOldestFirst() {
        assertEquals(List.of(3, 4), lines(threeCells().tail(2)));
        assertEquals(List.of(1, 2, 3, 4), lines(threeCells().tail(10)));
    }

    @Test
    void rangeIsHalfOpenAndStopZeroMeansToTheEnd() {
        assertEquals(List.of(2, 3), lines(threeCells().range(2, 4)));
        assertEquals(List.of(3, 4), lines(threeCells().range(3, 0)));
    }

    @Test
    void searchMatchesTheWholeInputAsAGlob() {
        assertEquals(List.of(1, 3), lines(threeCells().search("int*", 0, false)));
        assertEquals(List.of(2, 4), lines(threeCells().search("x ? 1", 0, false)));
        assertEquals(List.of(1, 3, 4), lines(threeCells().search("*x*", 0, true)));
        assertEquals(List.of(4), lines(threeCells().search("*x*", 1, false)));
        assertEquals(List.of(), lines(threeCells().search("(", 0, false)));
    }
}
