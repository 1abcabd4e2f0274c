package io.github.instructshift.model;

/** LLaMA 1/2/3 and their fine-tunes (Vicuna, Alpaca …): the reference layout, no biases, full attention. */
final class LlamaAdapter extends ArchitectureAdapter {
    LlamaAdapter() {
        super("llama", llamaNames());
    }
}
