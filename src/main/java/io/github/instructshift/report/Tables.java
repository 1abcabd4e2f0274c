package io.github.instructshift.report;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * How the report's tables look in a notebook: floating-point columns printed to {@value #DIGITS}
 * significant digits (Tablesaw print formatters, used by {@code print()} and by a kernel rendering
 * {@code getString}). Only the display changes: the values, and the CSV files written from them, keep
 * full precision.
 */
public final class Tables {
    /** Significant digits shown: enough to compare means and p-values, few enough to read. */
    public static final int DIGITS = 4;

    private Tables() {}

    /** {@code table} itself, its double and float columns now printed to {@value #DIGITS} significant digits. */
    public static Table rounded(Table table) {
        for (Column<?> column : table.columns()) {
            if (column instanceof NumericColumn<?> numbers && isFloatingPoint(column)) {
                numbers.setPrintFormatter(new Significant());
            }
        }
        return table;
    }

    /** {@code value} to {@value #DIGITS} significant digits: plain between 1e-4 and 1e7, else scientific. */
    static String significant(double value) {
        if (Double.isNaN(value)) {
            return "";   // Tablesaw's missing value
        }
        if (Double.isInfinite(value)) {
            return Double.toString(value);
        }
        BigDecimal rounded = BigDecimal.valueOf(value).round(new MathContext(DIGITS)).stripTrailingZeros();
        double magnitude = Math.abs(value);
        return value == 0 || (magnitude >= 1e-4 && magnitude < 1e7) ? rounded.toPlainString() : rounded.toString();
    }

    private static boolean isFloatingPoint(Column<?> column) {
        String type = column.type().name();
        return type.equals("DOUBLE") || type.equals("FLOAT");
    }

    // java.text.DecimalFormat has no significant-digit pattern, so the formatter rounds itself.
    private static final class Significant extends NumberColumnFormatter {
        @Override
        public String format(double value) {
            return significant(value);
        }

        @Override
        public String format(float value) {
            return significant(Float.isNaN(value) ? Double.NaN : Double.parseDouble(Float.toString(value)));
        }
    }
}
