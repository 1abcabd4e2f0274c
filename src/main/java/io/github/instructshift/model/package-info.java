/**
 * The engine: opening Hugging Face checkpoints (config, tokenizer, safetensors in one file or
 * sharded; f32/f16/bf16), the supported families as declarative {@link
 * io.github.instructshift.model.ArchitectureAdapter}s, forward passes from ids or input embeddings,
 * KV-cached greedy generation, gradients with respect to input embeddings, prompt formats, and the
 * weights read as data by role ({@link io.github.instructshift.model.ModelWeights}).
 *
 * <p>A checkpoint is refused up front, before any tensor is read, when it cannot be used as it is:
 * {@code ConfigValidator} checks every config field (type, sign, range,
 * the rules between fields), {@link io.github.instructshift.model.SafetensorsFile} the headers and
 * data layout, {@link io.github.instructshift.model.Checkpoint} the tensors, layers and shard paths;
 * a weight with NaN or Inf is refused as it loads. Each refusal is a
 * {@link io.github.instructshift.model.CheckpointException} naming the file, field or tensor.
 *
 * <p>Everything else in instruct-shift depends on this package; it depends on none of them.
 */
package io.github.instructshift.model;
