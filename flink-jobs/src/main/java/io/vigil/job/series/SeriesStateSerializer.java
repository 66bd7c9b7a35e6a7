package io.vigil.job.series;

import static io.vigil.job.state.Compact.readVarLong;
import static io.vigil.job.state.Compact.writeVarLong;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.detect.RuleState;
import io.vigil.job.state.Compact.StringsIn;
import io.vigil.job.state.Compact.StringsOut;
import io.vigil.job.state.CompactSerializer;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link SeriesState} in checkpoints (and in RocksDB): strings once per state, times as differences from the last
 * judged reading, absent parts as one flag bit. Each rule's part is written by {@link RuleState#writeTo}, the anomaly
 * model by its own compact encoding. Format version 2 (version 1 kept a separate last-judged time and a "behind"
 * flag, both now derived from the last reading).
 */
public final class SeriesStateSerializer extends CompactSerializer<SeriesState> {
    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();
    private static final long serialVersionUID = 1L;
    private static final byte VERSION = 2;
    private static final long NONE = SeriesState.NONE;
    private static final Protocol[] PROTOCOLS = Protocol.values();

    private static final int HAS_LAST = 1;
    private static final int HAS_MODEL = 1 << 1;
    private static final int HAS_EVENT_TIMER = 1 << 2;
    private static final int HAS_PROCESSING_TIMER = 1 << 3;
    private static final int SETTLING = 1 << 4;

    private SeriesStateSerializer() {}

    @Override
    public SeriesState createInstance() {
        return new SeriesState();
    }

    @Override
    public void serialize(SeriesState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte((s.last != null ? HAS_LAST : 0) | (s.model != null ? HAS_MODEL : 0)
                | (s.eventTimer != NONE ? HAS_EVENT_TIMER : 0) | (s.processingTimer != NONE ? HAS_PROCESSING_TIMER : 0)
                | (!s.settling.isEmpty() ? SETTLING : 0));
        StringsOut strings = new StringsOut(out);
        long base = 0;
        long wallBase = 0;
        if (s.last != null) {
            writeReading(s.last, strings, out);
            base = s.last.eventTime();
            wallBase = s.lastArrival;
            writeVarLong(out, s.lastArrival - base);
        }
        if (s.eventTimer != NONE) {
            writeVarLong(out, s.eventTimer - base);
        }
        if (s.processingTimer != NONE) {
            writeVarLong(out, s.processingTimer - wallBase);
        }
        if (s.model != null) {
            byte[] model = s.model.toBytes();
            writeVarLong(out, model.length);
            out.write(model);
        }
        if (!s.settling.isEmpty()) {
            writeVarLong(out, s.settleAt - wallBase);
            writeVarLong(out, s.settling.size());
            for (Reading r : s.settling) {
                writeReading(r, strings, out);
            }
        }
        writeVarLong(out, s.rules.size());
        for (Map.Entry<String, RuleState> e : s.rules.entrySet()) {
            strings.write(e.getKey());
            e.getValue().writeTo(out, base);
        }
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("series state format " + version + " is not " + VERSION);
        }
        SeriesState s = new SeriesState();
        int flags = in.readByte();
        StringsIn strings = new StringsIn(in);
        long base = 0;
        long wallBase = 0;
        if ((flags & HAS_LAST) != 0) {
            s.last = readReading(strings, in);
            base = s.last.eventTime();
            s.lastArrival = base + readVarLong(in);
            wallBase = s.lastArrival;
        }
        if ((flags & HAS_EVENT_TIMER) != 0) {
            s.eventTimer = base + readVarLong(in);
        }
        if ((flags & HAS_PROCESSING_TIMER) != 0) {
            s.processingTimer = wallBase + readVarLong(in);
        }
        if ((flags & HAS_MODEL) != 0) {
            byte[] model = new byte[(int) readVarLong(in)];
            in.readFully(model);
            s.model = SeriesAnomaly.fromBytes(AnomalySettings.defaults(), model);
        }
        if ((flags & SETTLING) != 0) {
            s.settleAt = wallBase + readVarLong(in);
            int n = (int) readVarLong(in);
            for (int i = 0; i < n; i++) {
                s.settling.add(readReading(strings, in));
            }
        }
        int rules = (int) readVarLong(in);
        for (int i = 0; i < rules; i++) {
            s.rules.put(strings.read(), RuleState.readFrom(in, base));
        }
        return s;
    }

    /** A whole reading: the last judged one (what a no-data alarm reports) and each one still settling. */
    private static void writeReading(Reading r, StringsOut strings, DataOutputView out) throws IOException {
        strings.write(r.deviceId());
        strings.write(r.site());
        strings.write(r.zone());
        strings.write(r.metric());
        strings.write(r.unit());
        out.writeDouble(r.value());
        out.writeLong(r.eventTime());
        writeVarLong(out, r.receiveTime() - r.eventTime());
        out.writeByte(r.protocol().ordinal());
        writeVarLong(out, r.eventNanos());
        out.writeBoolean(r.seq() != null);
        if (r.seq() != null) {
            out.writeLong(r.seq());
        }
    }

    private static Reading readReading(StringsIn strings, DataInputView in) throws IOException {
        String device = strings.read();
        String site = strings.read();
        String zone = strings.read();
        String metric = strings.read();
        String unit = strings.read();
        double value = in.readDouble();
        long eventTime = in.readLong();
        long receiveTime = eventTime + readVarLong(in);
        Protocol protocol = PROTOCOLS[in.readByte()];
        int nanos = (int) readVarLong(in);
        Long seq = in.readBoolean() ? in.readLong() : null;
        return new Reading(device, site, zone, metric, value, unit, eventTime, receiveTime, protocol, seq, nanos);
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No configuration: the format is this class's; the version byte guards each state. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
