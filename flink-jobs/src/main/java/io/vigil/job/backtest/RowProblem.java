package io.vigil.job.backtest;

/**
 * Why one input row was not replayed, located for the person who has to fix the file.
 *
 * @param line   1-based line of the file
 * @param column 1-based column, or 0 when the row as a whole is wrong
 */
public record RowProblem(String file, long line, int column, String columnName, String message) {
    @Override
    public String toString() {
        return column == 0
                ? file + ":" + line + ": " + message
                : file + ":" + line + ": column " + column + " (" + columnName + "): " + message;
    }
}
