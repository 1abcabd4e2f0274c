/**
 * The engine: opening Hugging Face checkpoints (config, tokenizer, safetensors in one file or
 * sharded; f32/f16/bf16), the supported families as declarative {@link
 * io.github.instructshift.model.ArchitectureAdapter}s, forward passes from ids or input embeddings,
 * KV-cached greedy generation, gradients with respect to input embeddings, prompt formats, and the
 * weights read as data by role ({@link io.github.instructshift.model.ModelWeights}).
 *
 * <p>Everything else in instruct-shift depends on this package; it depends on none of them.
 */
package io.github.instructshift.model;
