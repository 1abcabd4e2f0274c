package io.github.instructshift.organism;

/**
 * What turning text into training sequences needs from a tokenizer: ids without special tokens, and
 * the ids of BOS and EOS. {@link BpeTokenizer} is one; a DJL tokenizer can be adapted in a line.
 */
public interface TokenEncoder {

    /** Token ids of {@code text}, no special tokens added. */
    int[] encode(String text);

    int bosId();

    int eosId();
}
