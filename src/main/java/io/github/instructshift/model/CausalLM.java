package io.github.instructshift.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Llama-style decoder (Llama, Mistral, Qwen2) on DJL's PyTorch engine, computing what Hugging Face
 * transformers computes: RMSNorm, rotary embeddings (with llama3 scaling), grouped-query attention
 * with an optional sliding window, SwiGLU, and an lm_head that may be tied to the embedding.
 *
 * <p>Parameters are plain arrays that never require gradients: a backward pass reaches the input
 * embeddings only. Every method computes in the manager of its input array, so callers bound
 * memory by working inside a sub-manager of {@link #manager()}.
 */
public final class CausalLM implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CausalLM.class);

    private record Layer(NDArray attnNorm, NDArray ffnNorm, NDArray q, NDArray k, NDArray v, NDArray o,
                         NDArray qBias, NDArray kBias, NDArray vBias, NDArray gate, NDArray up, NDArray down) {

        /** The matrices widened to {@code dtype} in {@code scope} (norms and biases are kept in it already). */
        Layer widened(DataType dtype, NDManager scope) {
            return new Layer(attnNorm, ffnNorm, widen(q, dtype, scope), widen(k, dtype, scope), widen(v, dtype, scope),
                    widen(o, dtype, scope), qBias, kBias, vBias, widen(gate, dtype, scope), widen(up, dtype, scope),
                    widen(down, dtype, scope));
        }
    }

    private static NDArray widen(NDArray stored, DataType dtype, NDManager scope) {
        NDArray wide = stored.toType(dtype, false);
        wide.attach(scope);            // ops on a weight land in the weight's manager otherwise
        return wide;
    }

    private final Checkpoint checkpoint;
    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final DataType resident; // the matrices' dtype between uses: dtype, or float16 widened per use
    private final NDArray embedding;
    private final NDArray lmHead;
    private final NDArray finalNorm;
    private final Layer[] layers;
    private final NDArray cos;       // [max_positions, d_head]
    private final NDArray sin;
    // owned scalar tensors, never op(Number): see Tensors.scalar for why
    private final NDArray eps;       // float32, as rmsNorm computes in float32
    private final NDArray scaling;   // compute dtype
    private final NDArray oneCompute;

    private final boolean borrow;    // weights read the file's mapping in place (inference on the CPU)

    private CausalLM(Checkpoint checkpoint, NDManager manager, DataType dtype, DataType resident, boolean borrow) {
        this.checkpoint = checkpoint;
        this.borrow = borrow;
        this.config = checkpoint.config();
        this.manager = manager;
        this.dtype = dtype;
        this.resident = resident;
        this.embedding = checkpoint.tensor(WeightRole.EMBEDDING, 0, manager, resident, borrow);
        this.lmHead = checkpoint.lmHeadIsEmbedding() ? embedding
                : checkpoint.tensor(WeightRole.LM_HEAD, 0, manager, resident, borrow);
        this.finalNorm = checkpoint.tensor(WeightRole.FINAL_NORM, 0, manager, dtype, borrow);
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(w(WeightRole.ATTENTION_NORM, i, dtype), w(WeightRole.FFN_NORM, i, dtype),
                    w(WeightRole.QUERY, i, resident), w(WeightRole.KEY, i, resident), w(WeightRole.VALUE, i, resident),
                    w(WeightRole.OUTPUT, i, resident), w(WeightRole.QUERY_BIAS, i, dtype),
                    w(WeightRole.KEY_BIAS, i, dtype), w(WeightRole.VALUE_BIAS, i, dtype),
                    w(WeightRole.GATE, i, resident), w(WeightRole.UP, i, resident), w(WeightRole.DOWN, i, resident));
        }
        NDArray[] rope = ropeTables(manager);
        this.cos = rope[0];
        this.sin = rope[1];
        this.eps = Tensors.scalar(manager, config.rmsNormEps(), DataType.FLOAT32);
        this.oneCompute = Tensors.scalar(manager, 1, dtype);
        this.scaling = Tensors.scalar(manager, Math.pow(config.headDim(), -0.5), dtype);
    }

    /**
     * Loads every weight of {@code checkpoint} onto the device of {@code options}, for forward and
     * gradient passes that never change them: on the CPU, weights stored in the dtype they are kept in
     * read the file's memory mapping without a copy.
     */
    public static CausalLM load(Checkpoint checkpoint, LoadOptions options) {
        return load(checkpoint, options, true);
    }

    private static CausalLM load(Checkpoint checkpoint, LoadOptions options, boolean borrow) {
        long start = System.nanoTime();
        NDManager manager = NDManager.newBaseManager(options.device(), "PyTorch");
        try {
            DataType resident = options.residentDtype(checkpoint.parameterCount());
            CausalLM lm = new CausalLM(checkpoint, manager, options.dtype(), resident, borrow && !options.device().isGpu());
            LOG.info("loaded {} ({} layers, {} params) on {} as {}{} in {} ms", checkpoint.dir(),
                    lm.config.numLayers(), checkpoint.parameterCount(), options.device(), options.dtype(),
                    resident == options.dtype() ? "" : " (weights kept in " + resident + ", widened per layer)",
                    (System.nanoTime() - start) / 1_000_000);
            return lm;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Loads {@code checkpoint} in float32 on {@code device} with every parameter requiring a gradient,
     * for training: a backward pass inside a gradient collector then fills each parameter's gradient
     * (PyTorch accumulates them; the trainer zeroes them after each step).
     */
    public static CausalLM loadForTraining(Checkpoint checkpoint, Device device) {
        // the optimiser updates parameters in place: they must own their memory, never borrow the mapping
        CausalLM lm = load(checkpoint, new LoadOptions(device, DataType.FLOAT32, LoadOptions.Weights.COMPUTE), false);
        lm.parameters().values().forEach(p -> p.setRequiresGradient(true));
        return lm;
    }

    /**
     * The live parameter arrays by checkpoint tensor name, in checkpoint order (a tied lm_head once,
     * as the embedding). Writing them back under these names gives a loadable checkpoint.
     */
    public java.util.Map<String, NDArray> parameters() {
        java.util.Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        ArchitectureAdapter family = checkpoint.family();
        out.put(family.tensorName(WeightRole.EMBEDDING, 0), embedding);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDArray[] arrays = {l.attnNorm, l.q, l.qBias, l.k, l.kBias, l.v, l.vBias, l.o, l.ffnNorm, l.gate, l.up, l.down};
            WeightRole[] roles = {WeightRole.ATTENTION_NORM, WeightRole.QUERY, WeightRole.QUERY_BIAS, WeightRole.KEY,
                WeightRole.KEY_BIAS, WeightRole.VALUE, WeightRole.VALUE_BIAS, WeightRole.OUTPUT, WeightRole.FFN_NORM,
                WeightRole.GATE, WeightRole.UP, WeightRole.DOWN};
            for (int r = 0; r < roles.length; r++) {
                if (arrays[r] != null) {
                    out.put(family.tensorName(roles[r], i), arrays[r]);
                }
            }
        }
        out.put(family.tensorName(WeightRole.FINAL_NORM, 0), finalNorm);
        if (lmHead != embedding) {
            out.put(family.tensorName(WeightRole.LM_HEAD, 0), lmHead);
        }
        return out;
    }

    private NDArray w(WeightRole role, int layer, DataType as) {
        return checkpoint.family().has(role) ? checkpoint.tensor(role, layer, manager, as, borrow) : null;
    }

    /** cos/sin of every position × rotation plane, duplicated over both halves as rotate_half expects. */
    private NDArray[] ropeTables(NDManager m) {
        int dh = config.headDim();
        int positions = config.maxPositions();
        double[] inv = config.rope().inverseFrequencies(dh);
        float[] c = new float[positions * dh];
        float[] s = new float[positions * dh];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < dh / 2; i++) {
                // transformers forms the angle in float32; matching that keeps long positions in parity
                float angle = (float) inv[i] * (float) p;
                c[p * dh + i] = c[p * dh + i + dh / 2] = (float) Math.cos(angle);
                s[p * dh + i] = s[p * dh + i + dh / 2] = (float) Math.sin(angle);
            }
        }
        Shape shape = new Shape(positions, dh);
        return new NDArray[] {Tensors.of(m, c, shape).toType(dtype, false), Tensors.of(m, s, shape).toType(dtype, false)};
    }

    public ModelConfig config() {
        return config;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public TextTokenizer tokenizer() {
        return checkpoint.tokenizer();
    }

    /** The manager holding the weights; work in a sub-manager of it. */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public DataType dtype() {
        return dtype;
    }

    /** The dtype the weight matrices keep between uses: {@link #dtype()}, or float16 widened per layer. */
    public DataType residentDtype() {
        return resident;
    }

    /** A fresh, empty cache for incremental decoding. */
    public KvCache newCache(NDManager owner) {
        return new KvCache(owner, layers.length);
    }

    /** {@code [batch, tokens]} int64 ids → {@code [batch, tokens, d_model]} input embeddings. */
    public NDArray embed(NDArray ids) {
        Shape shape = ids.getShape();
        long tokens = shape.size();
        // a native gather of rows: DJL's NDIndex path builds its index from a borrowed Java buffer (see Tensors)
        NDArray index = ids.reshape(tokens, 1).broadcast(new Shape(tokens, config.hiddenSize()));
        NDArray rows = embedding.gather(index, 0);
        rows.attach(ids.getManager());             // ops on a weight land in the weight's manager otherwise
        if (resident != dtype) {
            rows = rows.toType(dtype, false);
        }
        return rows.reshape(shape.get(0), shape.get(1), config.hiddenSize());
    }

    /** Logits {@code [batch, tokens, vocab]} of a full (uncached) pass over ids {@code [batch, tokens]}. */
    public NDArray logits(NDArray ids) {
        return logitsFromEmbeddings(embed(ids));
    }

    /** Logits {@code [batch, tokens, vocab]} from input embeddings, so analyses can differentiate w.r.t. them. */
    public NDArray logitsFromEmbeddings(NDArray embeddings) {
        return unembed(hidden(embeddings, null));
    }

    /** lm_head over final hidden states. */
    public NDArray unembed(NDArray hidden) {
        if (resident == dtype) {
            return Linear.linear(hidden, lmHead).singletonOrThrow();
        }
        try (NDManager scope = hidden.getManager().newSubManager()) {
            return Linear.linear(hidden, widen(lmHead, dtype, scope)).singletonOrThrow();
        }
    }

    /**
     * The final-norm hidden states {@code [batch, tokens, d_model]} of embeddings that follow the
     * cache's tokens (positions start at {@code cache.length()}; a null cache means position 0).
     */
    public NDArray hidden(NDArray embeddings, KvCache cache) {
        Pass pass = pass(embeddings, cache == null ? 0 : cache.length());
        NDArray x = embeddings.getDataType() == dtype ? embeddings : embeddings.toType(dtype, false);
        for (int li = 0; li < layers.length; li++) {
            x = layer(li, x, pass, cache);
        }
        if (cache != null) {
            cache.advance(pass.tokens);
        }
        return rmsNorm(x, finalNorm);
    }

    /** What every layer of one pass shares: rotary tables and mask for its positions. */
    private record Pass(NDArray cos, NDArray sin, NDArray mask, long batch, int tokens) {}

    private Pass pass(NDArray embeddings, int start) {
        long batch = embeddings.getShape().get(0);
        int tokens = (int) embeddings.getShape().get(1);
        if (start + tokens > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + (start + tokens) + " tokens exceeds the context of "
                    + config.maxPositions() + " (max_position_embeddings)");
        }
        NDManager m = embeddings.getManager();
        NDArray cosT = cos.get(start + ":" + (start + tokens));
        NDArray sinT = sin.get(start + ":" + (start + tokens));
        cosT.attach(m);                             // slices of the tables would pile up in the model's manager
        sinT.attach(m);
        return new Pass(cosT, sinT, attentionMask(m, start, tokens), batch, tokens);
    }

    /** Decoder block {@code li} on its input {@code x} {@code [batch, tokens, d_model]}, in the compute dtype. */
    private NDArray layer(int li, NDArray x, Pass pass, KvCache cache) {
        if (resident == dtype) {
            return layer(layers[li], li, x, pass, cache);
        }
        // a graph keeps its own references to the widened matrices; closing ours frees them with it
        try (NDManager widened = x.getManager().newSubManager()) {
            return layer(layers[li].widened(dtype, widened), li, x, pass, cache);
        }
    }

    private NDArray layer(Layer layer, int li, NDArray x, Pass pass, KvCache cache) {
        return activations(layer, li, x, pass, cache).out;
    }

    /** What one decoder block computes on its way, kept for its vector-Jacobian product. */
    private record Activations(NDArray x, NDArray normed, NDArray q, NDArray k, NDArray v, NDArray probs,
                               NDArray mid, NDArray normed2, NDArray gate, NDArray up, NDArray out) {}

    /**
     * Decoder block on {@code x} {@code [batch, tokens, d_model]}: q, k, v are rotated and shared over the
     * query heads ({@code [batch, heads, tokens, d_head]}), {@code mid} is the residual after attention.
     */
    private Activations activations(Layer layer, int li, NDArray x, Pass pass, KvCache cache) {
        long batch = pass.batch;
        int tokens = pass.tokens;
        int h = config.numHeads();
        int kvh = config.numKvHeads();
        int dh = config.headDim();
        NDArray normed = rmsNorm(x, layer.attnNorm);
        NDArray q = heads(Linear.linear(normed, layer.q, layer.qBias).singletonOrThrow(), batch, tokens, h, dh);
        NDArray k = heads(Linear.linear(normed, layer.k, layer.kBias).singletonOrThrow(), batch, tokens, kvh, dh);
        NDArray v = heads(Linear.linear(normed, layer.v, layer.vBias).singletonOrThrow(), batch, tokens, kvh, dh);
        q = rotate(q, pass.cos, pass.sin);
        k = rotate(k, pass.cos, pass.sin);
        if (cache != null) {
            NDArray[] kv = cache.append(li, k, v);
            k = kv[0];
            v = kv[1];
        }
        if (kvh != h) {                           // grouped-query: each kv head serves h/kvh query heads
            k = shareKvHeads(k, batch, h, kvh);
            v = shareKvHeads(v, batch, h, kvh);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scaling).add(pass.mask);
        NDArray probs = scores.softmax(-1);
        if (probs.getDataType() != dtype) {
            probs = probs.toType(dtype, false);
        }
        NDArray attended = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, (long) h * dh);
        NDArray mid = x.add(Linear.linear(attended, layer.o).singletonOrThrow());
        NDArray normed2 = rmsNorm(mid, layer.ffnNorm);
        NDArray gate = Linear.linear(normed2, layer.gate).singletonOrThrow();
        NDArray up = Linear.linear(normed2, layer.up).singletonOrThrow();
        NDArray out = mid.add(Linear.linear(gate.mul(Activation.sigmoid(gate)).mul(up), layer.down).singletonOrThrow());
        return new Activations(x, normed, q, k, v, probs, mid, normed2, gate, up, out);
    }

    /**
     * Vector-Jacobian products through the whole model: for cotangents {@code [n, tokens, d_model]} on
     * the final-norm hidden states h of one sequence, row r of the result is the gradient of Σ c_r·h with
     * respect to the input {@code embeddings} {@code [1, tokens, d_model]}. {@code cotangents} receives h
     * (no graph) and returns the c_r stacked.
     *
     * <p>Why this shape: the gradient is linear in its cotangent, so one forward pass serves every
     * cotangent (stacking copies of the sequence repeats the forward pass for each). The forward pass
     * keeps only each layer's input; then from the top each layer is run again and all cotangents are
     * pulled back through it at once by its hand-written vector-Jacobian product, as one batch (what
     * torch.func.vmap does for a backward pass): large matrix products instead of one autograd pass per
     * cotangent. Parameters stay frozen; one layer's activations are alive at a time. The result lives
     * in the embeddings' manager.
     */
    public NDArray inputGradients(NDArray embeddings, Function<NDArray, NDArray> cotangents) {
        if (embeddings.getShape().get(0) != 1) {
            throw new IllegalArgumentException("inputGradients takes one sequence, got a batch of " + embeddings.getShape().get(0));
        }
        NDManager m = embeddings.getManager();
        try (NDManager work = m.newSubManager()) {
            NDArray x0 = embeddings.getDataType() == dtype ? Tensors.copy(embeddings) : embeddings.toType(dtype, false);
            x0.attach(work);
            Pass pass = pass(x0, 0);
            NDArray[] inputs = new NDArray[layers.length + 1];   // inputs[l] enters layer l; inputs[L] the final norm
            inputs[0] = x0;
            for (int li = 0; li < layers.length; li++) {
                try (NDManager step = work.newSubManager()) {   // only the layer's output outlives its step
                    inputs[li].tempAttach(step);                 // ops land in their first operand's manager
                    inputs[li + 1] = layer(li, inputs[li], pass, null);
                    inputs[li + 1].attach(work);
                }
            }
            NDArray pulled = cotangents.apply(rmsNorm(inputs[layers.length], finalNorm));
            pulled = pulled.getDataType() == dtype ? pulled : pulled.toType(dtype, false);
            pulled.attach(work);
            for (int stage = layers.length; stage >= 0; stage--) {
                pulled = pullBack(stage, inputs[stage], pulled, pass);
            }
            pulled.attach(m);
            return pulled;
        }
    }

    /** Cotangents {@code [n, tokens, d]} on stage {@code stage}'s output → on its input; stage L is the final norm. */
    private NDArray pullBack(int stage, NDArray input, NDArray outer, Pass pass) {
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            outer.attach(scope);
            input.tempAttach(scope);
            NDArray inner;
            if (stage == layers.length) {
                inner = rmsNormVjp(input, finalNorm, outer);
            } else {
                Layer stored = layers[stage];
                Layer layer = resident == dtype ? stored : stored.widened(dtype, scope);
                inner = layerVjp(layer, activations(layer, stage, input, pass, null), outer, pass);
            }
            inner.attach(owner);
            return inner;
        }
    }

    /**
     * The decoder block's vector-Jacobian product with respect to its input, for a batch of cotangents
     * {@code g} {@code [n, tokens, d]} on its output; activations {@code a} are of one sequence and broadcast.
     */
    private NDArray layerVjp(Layer layer, Activations a, NDArray g, Pass pass) {
        long n = g.getShape().get(0);
        int tokens = pass.tokens;
        int h = config.numHeads();
        int kvh = config.numKvHeads();
        int dh = config.headDim();
        // Arrays with a cotangent batch dimension are closed as soon as they are spent, so that one
        // or two of them are alive at a time; one-sequence activations stay until the pass ends.
        // SwiGLU: out = mid + down(silu(gate)·up), silu'(z) = σ(z)·(1 + z·(1 − σ(z)))
        NDArray sig = Activation.sigmoid(a.gate);
        NDArray silu = a.gate.mul(sig);
        NDArray upDsilu = a.up.mul(sig.mul(a.gate.mul(sig.neg().add(one())).add(one())));
        NDArray gAct = g.matMul(layer.down);                                   // [n, T, d_ff]
        NDArray gGate = gAct.mul(upDsilu);
        NDArray gUp = gAct.muli(silu);
        NDArray gNormed2 = gGate.matMul(layer.gate);
        close(gGate);
        gNormed2.addi(spent(gUp.matMul(layer.up), gUp));
        NDArray gMid = spent(rmsNormVjp(a.mid, layer.ffnNorm, gNormed2), gNormed2).addi(g);
        // attention: mid = x + o(P·V), P = softmax(q·kᵀ·s + mask)
        NDArray projected = gMid.matMul(layer.o);
        NDArray split = projected.reshape(n, tokens, h, dh);
        NDArray gAttended = split.transpose(0, 2, 1, 3);                      // [n, h, T, dh]
        NDArray gProbs = gAttended.matMul(a.v.transpose(0, 1, 3, 2));          // [n, h, T, T]
        NDArray gV = a.probs.transpose(0, 1, 3, 2).matMul(gAttended);
        close(gAttended, split, projected);
        NDArray weighted = gProbs.mul(a.probs);
        NDArray rowDot = spent(weighted.sum(new int[] {-1}, true), weighted);
        NDArray gScores = gProbs.subi(rowDot).muli(a.probs).muli(scaling);
        close(rowDot);
        NDArray gQ = gScores.matMul(a.k);
        NDArray scoresT = gScores.transpose(0, 1, 3, 2);
        NDArray gK = scoresT.matMul(a.q);
        close(scoresT, gScores);
        if (kvh != h) {                          // each kv head served h/kvh query heads: their gradients add up
            gK = sumGroups(gK, kvh);
            gV = sumGroups(gV, kvh);
        }
        gQ = flat(unrotate(gQ, pass.cos, pass.sin), n, tokens);
        gK = flat(unrotate(gK, pass.cos, pass.sin), n, tokens);
        gV = flat(gV, n, tokens);
        NDArray gNormed = spent(gQ.matMul(layer.q), gQ);
        gNormed.addi(spent(gK.matMul(layer.k), gK)).addi(spent(gV.matMul(layer.v), gV));
        return gMid.addi(spent(rmsNormVjp(a.x, layer.attnNorm, gNormed), gNormed));
    }

    /** {@code result}, after closing {@code spent} (which {@code result} no longer needs), if any. */
    private static NDArray spent(NDArray result, NDArray spent) {
        if (spent != null && spent != result) {
            spent.close();
        }
        return result;
    }

    private static void close(NDArray... arrays) {
        for (NDArray array : arrays) {
            array.close();
        }
    }

    private NDArray one() {
        return oneCompute;
    }

    /** {@code [n, heads, T, dh]} → {@code [n, kvHeads, T, dh]}, summing each kv head's query group; closes its input. */
    private static NDArray sumGroups(NDArray perHead, int kvHeads) {
        Shape s = perHead.getShape();
        NDArray grouped = perHead.reshape(s.get(0), kvHeads, s.get(1) / kvHeads, s.get(2), s.get(3));
        NDArray summed = grouped.sum(new int[] {2});
        close(grouped, perHead);
        return summed;
    }

    /** {@code [n, heads, T, dh]} → {@code [n, T, heads·dh]}, the layout the projections produce; closes its input. */
    private static NDArray flat(NDArray perHead, long n, int tokens) {
        long width = perHead.getShape().get(1) * perHead.getShape().get(3);
        NDArray swapped = perHead.transpose(0, 2, 1, 3);
        NDArray out = swapped.reshape(n, tokens, width);
        close(swapped, perHead);
        return out;
    }

    /** Transpose of {@link #rotate}: g·cos − rotate_half(g·sin), as rotate_halfᵀ = −rotate_half; closes g. */
    private NDArray unrotate(NDArray g, NDArray cosT, NDArray sinT) {
        int half = config.headDim() / 2;
        NDArray gs = g.mul(sinT);
        NDArray s1 = gs.get(new NDIndex("..., :{}", half));
        NDArray s2 = gs.get(new NDIndex("..., {}:", half));
        NDArray minus = s2.neg();
        NDArray rotated = NDArrays.concat(new NDList(minus, s1), -1);
        close(s1, s2, gs, minus);
        NDArray out = g.mul(cosT).subi(rotated);
        close(rotated, g);
        return out;
    }

    /**
     * VJP of {@link #rmsNorm} at {@code x} for cotangents {@code g}: with n = x / ρ, ρ = √(mean x² + ε),
     * and ĝ = g·w, the input gradient is (ĝ − n·mean(ĝ·n)) / ρ, in float32 as the norm computes.
     */
    private NDArray rmsNormVjp(NDArray x, NDArray weight, NDArray g) {
        NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray rho = xf.square().mean(new int[] {-1}, true).add(eps).sqrt();
        NDArray normed = xf.div(rho);
        NDArray gf = g.mul(weight);
        if (gf.getDataType() != DataType.FLOAT32) {
            gf = spent(gf.toType(DataType.FLOAT32, false), gf);
        }
        NDArray product = gf.mul(normed);
        NDArray dot = spent(product.mean(new int[] {-1}, true), product);
        NDArray along = spent(normed.mul(dot), dot);
        NDArray grad = spent(gf.subi(along), along).divi(rho);
        return grad.getDataType() == dtype ? grad : spent(grad.toType(dtype, false), grad);
    }

    /**
     * {@code [batch, kv_heads, keys, d_head]} → {@code [batch, heads, keys, d_head]}, kv head j serving
     * query heads j·r … j·r + r − 1, by broadcasting: a view, no copy, and no borrowed index tensor for
     * autograd to keep (see {@link Tensors#scalar}).
     */
    private static NDArray shareKvHeads(NDArray kv, long batch, int heads, int kvHeads) {
        Shape s = kv.getShape();
        return kv.expandDims(2)
                .broadcast(new Shape(batch, kvHeads, heads / kvHeads, s.get(2), s.get(3)))
                .reshape(batch, heads, s.get(2), s.get(3));
    }

    private static NDArray heads(NDArray projected, long batch, int tokens, int heads, int dh) {
        return projected.reshape(batch, tokens, heads, dh).transpose(0, 2, 1, 3);
    }

    /** q·cos + rotate_half(q)·sin, rotate_half(x) = [-x₂, x₁] over the two halves of d_head. */
    private NDArray rotate(NDArray x, NDArray cosT, NDArray sinT) {
        int half = config.headDim() / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cosT).add(rotated.mul(sinT));
    }

    /** RMSNorm in float32 as transformers does, then scaled by the weight in the compute dtype. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = xf.square().mean(new int[] {-1}, true);
        NDArray normed = xf.div(variance.add(eps).sqrt());
        if (dtype != DataType.FLOAT32) {
            normed = normed.toType(dtype, false);
        }
        return normed.mul(weight);
    }

    /**
     * Additive mask {@code [tokens, start + tokens]}: query at absolute position i sees key j when
     * j ≤ i and, under a sliding window W, j > i − W (transformers' sliding_window semantics).
     */
    private NDArray attentionMask(NDManager m, int start, int tokens) {
        int keys = start + tokens;
        int window = config.slidingWindow();
        float[] mask = new float[tokens * keys];
        for (int t = 0; t < tokens; t++) {
            int i = start + t;
            for (int j = 0; j < keys; j++) {
                boolean visible = j <= i && (window <= 0 || j > i - window);
                mask[t * keys + j] = visible ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        NDArray array = Tensors.of(m, mask, new Shape(tokens, keys));
        return dtype == DataType.FLOAT32 ? array : array.toType(dtype, false);
    }

    /** Logits {@code [tokens, vocab]} of one sequence as float32, e.g. for parity checks and export. */
    public float[][] sequenceLogits(long[] ids) {
        checkContext(ids.length);
        try (NDManager step = manager.newSubManager()) {
            NDArray logits = logits(Tensors.of(step, ids, new Shape(1, ids.length))).get(0).toType(DataType.FLOAT32, false);
            float[] flat = logits.toFloatArray();
            int vocab = (int) logits.getShape().get(1);
            float[][] rows = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                rows[t] = Arrays.copyOfRange(flat, t * vocab, (t + 1) * vocab);
            }
            return rows;
        }
    }

    /**
     * Greedy decoding with a KV cache from {@code promptIds}, at most {@code maxNewTokens} new tokens,
     * stopping after an EOS token (kept in the output, as transformers does) or at the context end.
     */
    public Generation generate(long[] promptIds, int maxNewTokens) {
        return generate(promptIds, maxNewTokens, true);
    }

    /** As {@link #generate(long[], int)}; with {@code stopAtEos} false, EOS is a token like any other. */
    public Generation generate(long[] promptIds, int maxNewTokens, boolean stopAtEos) {
        checkContext(promptIds.length);
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("empty prompt: nothing to condition on");
        }
        long[] out = new long[maxNewTokens];
        int produced = 0;
        String stop = "max_new_tokens";
        try (NDManager run = manager.newSubManager(); KvCache cache = newCache(run)) {
            long[] step = promptIds;
            while (produced < maxNewTokens) {
                if (cache.length() + step.length > config.maxPositions()) {
                    stop = "context";
                    break;
                }
                long next;
                try (NDManager scope = run.newSubManager()) {
                    NDArray ids = Tensors.of(scope, step, new Shape(1, step.length));
                    NDArray last = hidden(embed(ids), cache).get(new NDIndex(":, -1:, :"));
                    next = unembed(last).argMax().getLong();
                }
                out[produced++] = next;
                if (stopAtEos && config.eosTokenIds().contains((int) next)) {
                    stop = "eos";
                    break;
                }
                step = new long[] {next};
            }
        }
        long[] output = Arrays.copyOf(out, produced);
        return new Generation(promptIds, output, tokenizer().decode(output), stop);
    }

    /**
     * Gradient of a scalar {@code objective(logits)} with respect to the input {@code embeddings}
     * {@code [batch, tokens, d_model]}; parameters stay frozen, so no parameter gradient is formed.
     * The result lives in the embeddings' manager.
     */
    public NDArray embeddingGradient(NDArray embeddings, Function<NDArray, NDArray> objective) {
        return hiddenGradient(embeddings, hidden -> objective.apply(unembed(hidden)));
    }

    /**
     * As {@link #embeddingGradient}, with the objective a function of the final hidden states
     * {@code [batch, tokens, d_model]}, so it can unembed only the positions it needs.
     */
    public NDArray hiddenGradient(NDArray embeddings, Function<NDArray, NDArray> objective) {
        return gradient(embeddings, input -> objective.apply(hidden(input, null)));
    }

    /**
     * The gradient of a scalar {@code objective} of the logits with respect to final hidden states
     * {@code hidden} (e.g. a few read rows {@code [rows, d_model]}): the lm_head's part of a backward pass.
     */
    public NDArray unembedGradient(NDArray hidden, Function<NDArray, NDArray> objective) {
        return gradient(hidden, input -> objective.apply(unembed(input)));
    }

    /** ∂ f(at)/∂ at for a scalar f, in {@code at}'s manager; the graph lives in a scope closed on return. */
    private NDArray gradient(NDArray at, Function<NDArray, NDArray> f) {
        NDManager m = at.getManager();
        try (NDManager scope = m.newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray input = Tensors.copy(at);
            input.attach(scope);
            input.setRequiresGradient(true);
            NDArray value = f.apply(input);
            if (value.getShape().size() != 1) {
                throw new IllegalArgumentException("the objective must be a scalar, got shape " + value.getShape());
            }
            collector.backward(value);
            NDArray gradient = Tensors.copy(input.getGradient());
            gradient.attach(m);
            return gradient;
        }
    }

    private void checkContext(int length) {
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException("prompt of " + length + " tokens is longer than the model's context of "
                    + config.maxPositions() + " tokens (max_position_embeddings)");
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
