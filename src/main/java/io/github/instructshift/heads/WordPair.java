package io.github.instructshift.heads;

/**
 * One relation a head dimension encodes: a key word that a query word attends to.
 *
 * @param key   index of the key word in the word list
 * @param query index of the query word
 * @param score cosine similarity of their word vectors (pairs are ranked by it)
 */
public record WordPair(int key, int query, float score) {
}
