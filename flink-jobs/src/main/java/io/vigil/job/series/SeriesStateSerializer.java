package io.vigil.job.series;

import static io.vigil.job.state.Compact.readVarLong;
import static io.vigil.job.state.Compact.writeVarLong;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.anomaly.AnomalySettings;
import io.vigil.job.detect.IncidentStateSerializer;
import io.vigil.job.detect.Points;
import io.vigil.job.detect.RuleState;
import io.vigil.job.state.Compact.StringsIn;
import io.vigil.job.state.Compact.StringsOut;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link SeriesState} in checkpoints (and in RocksDB): strings once per state, times as differences from the last
 * judged reading, absent parts as one flag bit. The incident of each rule is written by {@link
 * IncidentStateSerializer}, the anomaly model by its own compact encoding. Format version 1.
 */
public final class SeriesStateSerializer extends TypeSerializerSingleton<SeriesState> {
    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();
    private static final long serialVersionUID = 1L;
    private static final byte VERSION = 1;
    private static final long NONE = SeriesState.NONE;
    private static final Protocol[] PROTOCOLS = Protocol.values();

    private static final int HAS_LAST = 1;
    private static final int HAS_MODEL = 1 << 1;
    private static final int HAS_EVENT_TIMER = 1 << 2;
    private static final int HAS_PROCESSING_TIMER = 1 << 3;
    private static final int BEHIND = 1 << 4;
    private static final int SETTLING = 1 << 5;

    private static final int R_INCIDENT = 1;
    private static final int R_RATE = 1 << 1;
    private static final int R_FORECAST = 1 << 2;
    private static final int R_FLAT = 1 << 3;
    private static final int R_OFFLINE = 1 << 4;

    private SeriesStateSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SeriesState createInstance() {
        return new SeriesState();
    }

    /** A deep copy (the heap backend copies a state a running snapshot still reads before it is changed). */
    @Override
    public SeriesState copy(SeriesState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serialize(from, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public SeriesState copy(SeriesState from, SeriesState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeriesState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        int flags = (s.last != null ? HAS_LAST : 0) | (s.model != null ? HAS_MODEL : 0)
                | (s.eventTimer != NONE ? HAS_EVENT_TIMER : 0) | (s.processingTimer != NONE ? HAS_PROCESSING_TIMER : 0)
                | (s.behind ? BEHIND : 0) | (!s.settling.isEmpty() ? SETTLING : 0);
        out.writeByte(flags);
        out.writeLong(s.lastJudged);
        writeVarLong(out, s.lastArrival - s.lastJudged);
        if (s.eventTimer != NONE) {
            writeVarLong(out, s.eventTimer - s.lastJudged);
        }
        if (s.processingTimer != NONE) {
            writeVarLong(out, s.processingTimer - s.lastArrival);
        }
        StringsOut strings = new StringsOut(out);
        if (s.last != null) {
            Reading r = s.last;
            strings.write(r.deviceId());
            strings.write(r.site());
            strings.write(r.zone());
            strings.write(r.metric());
            strings.write(r.unit());
            out.writeDouble(r.value());
            writeVarLong(out, r.eventTime() - s.lastJudged);
            writeVarLong(out, r.receiveTime() - r.eventTime());
            out.writeByte(r.protocol().ordinal());
        }
        if (s.model != null) {
            byte[] model = s.model.toBytes();
            writeVarLong(out, model.length);
            out.write(model);
        }
        if (!s.settling.isEmpty()) {
            out.writeLong(s.settleAt);
            writeVarLong(out, s.settling.size());
            for (Reading r : s.settling) {
                writeReading(r, strings, out);
            }
        }
        writeVarLong(out, s.rules.size());
        for (Map.Entry<String, RuleState> e : s.rules.entrySet()) {
            strings.write(e.getKey());
            RuleState r = e.getValue();
            int rf = (r.incident != null ? R_INCIDENT : 0) | (r.rate() != null ? R_RATE : 0)
                    | (r.forecast() != null ? R_FORECAST : 0) | (r.flatSince() != RuleState.NONE ? R_FLAT : 0)
                    | (r.offline() ? R_OFFLINE : 0);
            out.writeByte(rf);
            if (r.incident != null) {
                IncidentStateSerializer.INSTANCE.serialize(r.incident, out);
            }
            if (r.rate() != null) {
                writeBytes(out, r.rate().encode());
            }
            if (r.forecast() != null) {
                writeBytes(out, r.forecast().encode());
            }
            if (r.flatSince() != RuleState.NONE) {
                out.writeDouble(r.flatValue());
                writeVarLong(out, r.flatSince() - s.lastJudged);
            }
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
        s.behind = (flags & BEHIND) != 0;
        s.lastJudged = in.readLong();
        s.lastArrival = s.lastJudged + readVarLong(in);
        if ((flags & HAS_EVENT_TIMER) != 0) {
            s.eventTimer = s.lastJudged + readVarLong(in);
        }
        if ((flags & HAS_PROCESSING_TIMER) != 0) {
            s.processingTimer = s.lastArrival + readVarLong(in);
        }
        StringsIn strings = new StringsIn(in);
        if ((flags & HAS_LAST) != 0) {
            String device = strings.read();
            String site = strings.read();
            String zone = strings.read();
            String metric = strings.read();
            String unit = strings.read();
            double value = in.readDouble();
            long eventTime = s.lastJudged + readVarLong(in);
            long receiveTime = eventTime + readVarLong(in);
            Protocol protocol = PROTOCOLS[in.readByte()];
            s.last = new Reading(device, site, zone, metric, value, unit, eventTime, receiveTime, protocol);
        }
        if ((flags & HAS_MODEL) != 0) {
            s.model = SeriesAnomaly.fromBytes(AnomalySettings.defaults(), readBytes(in));
        }
        if ((flags & SETTLING) != 0) {
            s.settleAt = in.readLong();
            int n = (int) readVarLong(in);
            for (int i = 0; i < n; i++) {
                s.settling.add(readReading(strings, in));
            }
        }
        int rules = (int) readVarLong(in);
        for (int i = 0; i < rules; i++) {
            String ruleId = strings.read();
            RuleState r = new RuleState();
            int rf = in.readByte();
            if ((rf & R_INCIDENT) != 0) {
                r.incident = IncidentStateSerializer.INSTANCE.deserialize(in);
            }
            Points rate = (rf & R_RATE) != 0 ? Points.decode(readBytes(in)) : null;
            Points forecast = (rf & R_FORECAST) != 0 ? Points.decode(readBytes(in)) : null;
            double flatValue = Double.NaN;
            long flatSince = RuleState.NONE;
            if ((rf & R_FLAT) != 0) {
                flatValue = in.readDouble();
                flatSince = s.lastJudged + readVarLong(in);
            }
            r.restore(rate, forecast, flatValue, flatSince, (rf & R_OFFLINE) != 0);
            s.rules.put(ruleId, r);
        }
        return s;
    }

    /** A reading waiting to be judged: all of it, since it is judged (and stored in alerts) later. */
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

    private static void writeBytes(DataOutputView out, byte[] bytes) throws IOException {
        writeVarLong(out, bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        byte[] bytes = new byte[(int) readVarLong(in)];
        in.readFully(bytes);
        return bytes;
    }

    @Override
    public SeriesState deserialize(SeriesState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
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
