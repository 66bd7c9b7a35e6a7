package io.vigil.job.backtest;

import io.vigil.common.Reading;
import java.util.List;

/**
 * One input table, read: a CSV file or the answer to an InfluxDB range. Rows keep their input order; a row that
 * could not be read has no reading (null) and a {@link RowProblem}, and still gets its line in the output.
 *
 * @param name     where it came from: the file's path relative to the input, which the output mirrors
 * @param header   the input's columns, written out again before the scored columns
 * @param cells    every data row's cells, in input order
 * @param readings each row's reading, null where the row was rejected
 */
public record SeriesFile(String name, List<String> header, List<String[]> cells, List<Reading> readings,
                         List<RowProblem> problems) {
    public int rows() {
        return cells.size();
    }
}
