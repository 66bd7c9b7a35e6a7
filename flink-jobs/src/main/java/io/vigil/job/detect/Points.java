package io.vigil.job.detect;

import static io.vigil.job.state.Compact.readVarLong;
import static io.vigil.job.state.Compact.writeVarLong;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A window of (event time, value) points of one series as primitives, stored as one byte array: times as varint
 * differences from the previous point, values as 8-byte doubles. A MapState of boxed Long → Double costs about
 * 17 bytes a point in checkpoints and several times that on the heap; this costs about 11 and decodes in one pass.
 */
final class Points {
    private long[] times;
    private double[] values;
    private int size;

    private Points(int capacity) {
        times = new long[capacity];
        values = new double[capacity];
    }

    /** The points {@link #encode} wrote; null (no state yet) is an empty window. */
    static Points decode(byte[] bytes) {
        if (bytes == null) {
            return new Points(4);
        }
        try {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int n = (int) readVarLong(in);
            Points p = new Points(n + 1);
            long t = 0;
            for (int i = 0; i < n; i++) {
                t += readVarLong(in);
                p.times[i] = t;
                p.values[i] = in.readDouble();
            }
            p.size = n;
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("malformed points in state", e);
        }
    }

    byte[] encode() {
        try {
            DataOutputSerializer out = new DataOutputSerializer(2 + 11 * size);
            writeVarLong(out, size);
            long previous = 0;
            for (int i = 0; i < size; i++) {
                writeVarLong(out, times[i] - previous);
                out.writeDouble(values[i]);
                previous = times[i];
            }
            return out.getCopyOfBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return size;
    }

    long time(int i) {
        return times[i];
    }

    double value(int i) {
        return values[i];
    }

    /** Removes the point at index {@code i}; the last point takes its place (order is not kept). */
    void removeAt(int i) {
        size--;
        times[i] = times[size];
        values[i] = values[size];
    }

    /** Drops every point at or before {@code from}, keeping the others in order. */
    void dropUntil(long from) {
        dropBefore(from + 1);
    }

    /** Drops every point before {@code from}, keeping the others in order. */
    void dropBefore(long from) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] >= from) {
                times[kept] = times[i];
                values[kept++] = values[i];
            }
        }
        size = kept;
    }

    /** Sets the value at {@code time}, replacing a point already there (one point per time, as in a map). */
    void put(long time, double value) {
        for (int i = 0; i < size; i++) {
            if (times[i] == time) {
                values[i] = value;
                return;
            }
        }
        if (size == times.length) {
            times = Arrays.copyOf(times, 2 * size + 1);
            values = Arrays.copyOf(values, 2 * size + 1);
        }
        times[size] = time;
        values[size++] = value;
    }
}
