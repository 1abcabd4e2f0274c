package io.github.instructshift.kernel;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StreamCaptureTest {

    @Test
    void batchesWritesAndHoldsBackASplitCharacter() {
        List<String> published = new ArrayList<>();
        StreamCapture out = new StreamCapture("stdout", (name, text) -> published.add(name + ":" + text));
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // three bytes
        assertEquals(3, euro.length);

        out.write("a\nb".getBytes(StandardCharsets.UTF_8), 0, 3);
        out.write(euro, 0, 2);
        out.drain();
        assertEquals(List.of("stdout:a\nb"), published); // the incomplete € waits

        out.write(euro, 2, 1);
        out.write('\n');
        out.drain();
        assertEquals(List.of("stdout:a\nb", "stdout:€\n"), published);

        out.drain(); // nothing pending: nothing published
        assertEquals(2, published.size());
    }
}
