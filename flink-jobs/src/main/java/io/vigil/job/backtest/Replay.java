package io.vigil.job.backtest;

import io.vigil.common.Reading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The readings of all inputs in the order a live job would have received them: live, every device sends at once,
 * so the files are merged by event time (the file whose next reading is oldest goes first, ties in input order).
 * Within a file the rows keep their order, so a row that is out of order in its file is as late here as it would
 * have been live. Replaying the files one after another instead would move event time through each file in turn,
 * and every other device would look silent meanwhile.
 *
 * @param readings replay order
 * @param input    which input each reading came from
 * @param row      which row of that input
 */
record Replay(List<Reading> readings, int[] input, int[] row) {

    static Replay merge(List<SeriesFile> inputs) {
        int total = inputs.stream().mapToInt(f -> (int) f.readings().stream().filter(r -> r != null).count()).sum();
        List<Reading> readings = new ArrayList<>(total);
        int[] input = new int[total];
        int[] row = new int[total];
        int[] next = new int[inputs.size()];
        PriorityQueue<Integer> heads = new PriorityQueue<>(Comparator
                .comparingLong((Integer i) -> inputs.get(i).readings().get(next[i]).eventTime())
                .thenComparingInt(i -> i));
        for (int i = 0; i < inputs.size(); i++) {
            if (skipRejected(inputs.get(i), next, i)) {
                heads.add(i);
            }
        }
        while (!heads.isEmpty()) {
            int i = heads.poll();
            input[readings.size()] = i;
            row[readings.size()] = next[i];
            readings.add(inputs.get(i).readings().get(next[i]));
            next[i]++;
            if (skipRejected(inputs.get(i), next, i)) {
                heads.add(i);
            }
        }
        return new Replay(readings, input, row);
    }

    /** Moves input {@code i} to its next readable row; false when none is left. */
    private static boolean skipRejected(SeriesFile file, int[] next, int i) {
        while (next[i] < file.rows() && file.readings().get(next[i]) == null) {
            next[i]++;
        }
        return next[i] < file.rows();
    }

    long lastEventTime() {
        return readings.stream().mapToLong(Reading::eventTime).max().orElse(Long.MIN_VALUE);
    }
}
