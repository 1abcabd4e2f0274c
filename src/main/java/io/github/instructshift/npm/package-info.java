/**
 * Pinned npm packages fetched with {@code npm pack} into a cache folder outside git and read without
 * unpacking.
 *
 * <p>Owns: a package pinned by version and sha512 integrity ({@link io.github.instructshift.npm.NpmPackage}),
 * fetching into the cache and reusing what is there ({@link io.github.instructshift.npm.NpmFetcher}; failures
 * say why in one line: npm not on PATH, or npm's own first error line), and reading files out of a tarball
 * ({@link io.github.instructshift.npm.NpmTarball}, commons-compress). Used by {@code organism} (the corpus)
 * and {@code report} (plotly.js); depends on neither.
 */
package io.github.instructshift.npm;
