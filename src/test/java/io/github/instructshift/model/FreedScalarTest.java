package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.testing.Fixture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Regression test for the intermittent garbage gradients: DJL's {@code op(Number)} wraps the number
 * in a tensor over a direct buffer and closes it after the op, but autograd keeps that tensor for
 * the backward pass (e.g. the attention scale in {@code scores·scale}). Once the garbage collector
 * frees the buffer, backward reads whatever reuses the memory. Here the objective provokes exactly
 * that between forward and backward: collect garbage, then refill small direct buffers with 1e30.
 * The gradient must not change.
 */
class FreedScalarTest {
    static final List<String> FIXTURES = Fixture.ALL;

    private static void scribbleFreedDirectMemory() {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);              // the cleaner frees direct buffers on its own thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 4)).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(1e30f);
                }
                keep.add(b);
            }
        }
        keep.clear();
    }

    private static float[] gradient(CausalLM lm, long[] ids, boolean scribble) {
        try (NDManager scope = lm.manager().newSubManager()) {
            NDArray embeddings = lm.embed(Tensors.of(scope, ids, new Shape(1, ids.length)));
            NDArray g = lm.embeddingGradient(embeddings, logits -> {
                NDArray value = logits.softmax(-1).get(0, ids.length - 1, 3).sum();
                if (scribble) {
                    scribbleFreedDirectMemory();
                }
                return value;
            });
            return g.toFloatArray();
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void backwardSurvivesGarbageCollectionAfterForward(String name) {
        Fixture f = Fixture.of(name);
        long[] ids = f.ids("prompt_ids");
        try (CausalLM lm = Checkpoint.open(f.dir()).load(LoadOptions.defaults())) {
            float[] clean = gradient(lm, ids, false);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(clean, gradient(lm, ids, true), 0f, name + " round " + i);
            }
        }
    }
}
