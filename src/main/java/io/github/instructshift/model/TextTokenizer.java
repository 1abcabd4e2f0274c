package io.github.instructshift.model;

import java.util.List;

/** A checkpoint's tokenizer as the analyses need it; backed by DJL's Hugging Face tokenizers. */
public interface TextTokenizer {

    /** Token ids of {@code text}, with the special tokens the tokenizer's post-processor adds (BOS) when asked. */
    long[] encode(String text, boolean addSpecialTokens);

    /** The token strings (pieces) of {@code text}, aligned with {@link #encode}. */
    List<String> tokens(String text, boolean addSpecialTokens);

    /** Character span [start, end) in {@code text} of every token of {@link #encode}; (0, 0) for added special tokens. */
    List<int[]> charSpans(String text, boolean addSpecialTokens);

    /** Text of {@code ids}, special tokens left out. */
    String decode(long[] ids);

    /** The piece of one id, e.g. {@code ▁write}. */
    String piece(long id);

    int vocabSize();
}
