package io.vigil.job.state;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Building blocks of compact state encodings: per-series state repeats the same few strings (device, site, zone,
 * metric, rule) and holds times close to each other, so it shrinks a lot when strings are written once per record
 * and times as small differences.
 */
public final class Compact {
    private Compact() {}

    /** Zig-zag varint: a small difference of either sign takes one to three bytes instead of eight. */
    public static void writeVarLong(DataOutputView out, long v) throws IOException {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    public static long readVarLong(DataInputView in) throws IOException {
        long z = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.readByte();
            z |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
            if (shift > 63) {
                throw new IOException("malformed varint in state");
            }
        }
        return (z >>> 1) ^ -(z & 1);
    }

    /** Writes each distinct string of one record once; a repeat costs one byte. Null is allowed. */
    public static final class StringsOut {
        private final Map<String, Integer> seen = new HashMap<>();
        private final DataOutputView out;

        public StringsOut(DataOutputView out) {
            this.out = out;
        }

        public void write(String s) throws IOException {
            if (s == null) {
                writeVarLong(out, 0);
                return;
            }
            Integer index = seen.get(s);
            if (index != null) {
                writeVarLong(out, index + 2L);
                return;
            }
            seen.put(s, seen.size());
            writeVarLong(out, 1);
            StringValue.writeString(s, out);
        }

        public void writeList(List<String> list) throws IOException {
            writeVarLong(out, list == null ? -1 : list.size());
            if (list != null) {
                for (String s : list) {
                    write(s);
                }
            }
        }
    }

    /** Reads what {@link StringsOut} wrote, in the same order. */
    public static final class StringsIn {
        private final List<String> seen = new ArrayList<>();
        private final DataInputView in;

        public StringsIn(DataInputView in) {
            this.in = in;
        }

        public String read() throws IOException {
            long code = readVarLong(in);
            if (code == 0) {
                return null;
            }
            if (code == 1) {
                String s = StringValue.readString(in);
                seen.add(s);
                return s;
            }
            if (code - 2 >= seen.size()) {
                throw new IOException("state refers to string " + (code - 2) + " of " + seen.size());
            }
            return seen.get((int) (code - 2));
        }

        /** A mutable list (state code may append to it), or null. */
        public List<String> readList() throws IOException {
            long n = readVarLong(in);
            if (n < 0) {
                return null;
            }
            List<String> list = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                list.add(read());
            }
            return list;
        }
    }
}
