/**
 * Low-level file helpers shared by every capability ({@link io.github.instructshift.files.AtomicFiles}:
 * atomic writes, so a reader never sees half a file). Depends on nothing else in the project.
 */
package io.github.instructshift.files;
