package io.github.instructshift.heads;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.model.ModelConfig;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.RopeConfig;
import io.github.instructshift.model.TextTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A random model of any shape, generated on demand (nothing is held), for timing the head analysis
 * at 7B scale without a checkpoint. Every tensor is drawn from a seed fixed by (role, layer), so a
 * "tuned" twin made with the same seed and {@code noise > 0} is the base plus independent noise on
 * W_Q and W_K. Words are {@code w0 … w(n-1)}, one token each ({@code ▁w17} is id 17).
 */
final class SyntheticModel implements ModelWeights {
    private final ModelConfig config;
    private final long seed;
    private final float noise;

    SyntheticModel(int layers, int heads, int headDim, int vocab, long seed, float noise) {
        int d = heads * headDim;
        this.config = new ModelConfig("llama", vocab, d, 4 * d, layers, heads, heads, headDim, 1e-5, 2048,
                RopeConfig.plain(1e4), 0, false, -1, Set.of());
        this.seed = seed;
        this.noise = noise;
    }

    private NDArray draw(NDManager m, long key, Shape shape, float scale) {
        Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + key));
        return m.randomNormal(0f, scale, shape, ai.djl.ndarray.types.DataType.FLOAT32);
    }

    private NDArray projection(NDManager m, int layer, int role) {
        Shape s = new Shape(config.numHeads(), config.hiddenSize(), config.headDim());
        float scale = (float) (1 / Math.sqrt(config.hiddenSize()));
        NDArray w = draw(m, 10L * layer + role, s, scale);
        if (noise > 0) {
            NDArray n = draw(m, 7_777_777L + 10L * layer + role + 31L * seed, s, noise * scale);
            w = w.add(n);
        }
        return w;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public NDArray embedding(NDManager manager) {
        return draw(manager, -1, new Shape(config.vocabSize(), config.hiddenSize()), 0.02f);
    }

    @Override
    public NDArray unembedding(NDManager manager) {
        return embedding(manager);
    }

    @Override
    public NDArray attentionNorm(int layer, NDManager manager) {
        return draw(manager, 10L * layer + 3, new Shape(config.hiddenSize()), 0.1f).add(1f);
    }

    @Override
    public NDArray ffnNorm(int layer, NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read FFN weights");
    }

    @Override
    public NDArray finalNorm(NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read the final norm");
    }

    @Override
    public NDArray queryHeads(int layer, NDManager manager) {
        return projection(manager, layer, 1);
    }

    @Override
    public NDArray keyHeads(int layer, NDManager manager) {
        return projection(manager, layer, 2);
    }

    @Override
    public NDArray valueHeads(int layer, NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read W_V");
    }

    @Override
    public NDArray outputHeads(int layer, NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read W_O");
    }

    @Override
    public NDArray ffnGate(int layer, NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read FFN weights");
    }

    @Override
    public NDArray ffnUp(int layer, NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read FFN weights");
    }

    @Override
    public NDArray ffnDown(int layer, NDManager manager) {
        throw new UnsupportedOperationException("the head analysis does not read FFN weights");
    }

    /** The words {@code w0 … w(n-1)}, most "frequent" first. */
    static WordFrequencies words(int n) {
        List<String> w = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            w.add("w" + i);
        }
        return new WordFrequencies(w, new double[n], "synthetic words");
    }

    /** One piece per id: {@code ▁w<id>}. */
    static final class Tokenizer implements TextTokenizer {
        private final int vocab;

        Tokenizer(int vocab) {
            this.vocab = vocab;
        }

        @Override
        public long[] encode(String text, boolean addSpecialTokens) {
            String t = text.strip();
            if (!t.matches("w\\d+") || Long.parseLong(t.substring(1)) >= vocab) {
                throw new IllegalArgumentException("synthetic tokenizer knows only w0..w" + (vocab - 1) + ": " + text);
            }
            return new long[] {Long.parseLong(t.substring(1))};
        }

        @Override
        public List<String> tokens(String text, boolean addSpecialTokens) {
            return List.of(piece(encode(text, false)[0]));
        }

        @Override
        public List<int[]> charSpans(String text, boolean addSpecialTokens) {
            throw new UnsupportedOperationException("not needed by the head analysis");
        }

        @Override
        public String decode(long[] ids) {
            StringBuilder b = new StringBuilder();
            for (long id : ids) {
                b.append(" w").append(id);
            }
            return b.toString().strip();
        }

        @Override
        public String piece(long id) {
            return "\u2581w" + id;
        }

        @Override
        public int vocabSize() {
            return vocab;
        }
    }
}
