/**
 * The {@code instruct-shift} command line (picocli): one small command class per verb, each a thin
 * shell over a library package; {@link io.github.instructshift.cli.Main} turns failures into one
 * clear line on stderr and an exit code (2 for bad input).
 */
package io.github.instructshift.cli;
