package io.github.instructshift.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * System.out / System.err of the kernel JVM: bytes are buffered and handed out as text in
 * batches (by a timer and at the end of every cell), so a loop printing many lines does not become
 * one message per line. A multi-byte character split across writes is held back until complete.
 */
final class StreamCapture extends OutputStream {
    private final String name;
    private final BiConsumer<String, String> publisher; // (stream name, text)
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);

    StreamCapture(String name, BiConsumer<String, String> publisher) {
        this.name = name;
        this.publisher = publisher;
    }

    @Override
    public synchronized void write(int b) {
        pending.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        pending.write(b, off, len);
    }

    @Override
    public void flush() {
        // batching: text goes out on drain(), called by a timer and at the end of each cell
    }

    /** Publishes what is buffered; taking and publishing under one lock keeps the order of output. */
    synchronized void drain() {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(pending.toByteArray());
        CharBuffer out = CharBuffer.allocate(in.remaining());
        decoder.decode(in, out, false);
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        pending.reset();
        pending.write(rest, 0, rest.length);
        out.flip();
        if (out.hasRemaining()) {
            publisher.accept(name, out.toString());
        }
    }
}
