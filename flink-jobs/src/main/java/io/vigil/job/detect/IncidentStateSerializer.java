package io.vigil.job.detect;

import static io.vigil.job.state.Compact.readVarLong;
import static io.vigil.job.state.Compact.writeVarLong;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.IncidentReport;
import io.vigil.job.state.Compact.StringsIn;
import io.vigil.job.state.CompactSerializer;
import io.vigil.job.state.Compact.StringsOut;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link IncidentState} in checkpoints (and in RocksDB) at a fraction of its POJO size: the latest signal of each
 * detector repeats the rule, device, site, zone, metric and unit, so every distinct string is written once per
 * state; times are written as differences from {@code lastSeen}; unset times and defaults take no bytes. A
 * million-device fleet keeps one state per rule and series, so this is most of the job's memory on RocksDB and of
 * its checkpoints on either backend.
 *
 * <p>Format version 1; states written by the earlier POJO serializer cannot be restored (see docs/benchmarks.md).
 */
public final class IncidentStateSerializer extends CompactSerializer<IncidentState> {
    public static final IncidentStateSerializer INSTANCE = new IncidentStateSerializer();
    private static final long serialVersionUID = 1L;
    private static final byte VERSION = 1;
    private static final long NONE = IncidentState.NONE;
    private static final Level[] LEVELS = Level.values();
    private static final Phase[] PHASES = Phase.values();
    private static final long NAN_BITS = Double.doubleToRawLongBits(Double.NaN);

    private static final int REACHED_ALARM = 1;
    private static final int HAS_LAST = 1 << 1;
    private static final int HAS_WARN_LIMIT = 1 << 2;
    private static final int HAS_PEAK = 1 << 3;

    private IncidentStateSerializer() {}

    @Override
    public IncidentState createInstance() {
        return new IncidentState();
    }

    @Override
    public void serialize(IncidentState s, DataOutputView out) throws IOException {
        StringsOut strings = new StringsOut(out);
        out.writeByte(VERSION);
        out.writeByte(s.phase.ordinal());
        int flags = (s.reachedAlarm ? REACHED_ALARM : 0) | (s.last != null ? HAS_LAST : 0)
                | (Double.doubleToRawLongBits(s.warnLimit) != 0 ? HAS_WARN_LIMIT : 0)
                | (Double.doubleToRawLongBits(s.peakValue) != NAN_BITS ? HAS_PEAK : 0);
        out.writeByte(flags);
        out.writeLong(s.lastSeen);
        long base = s.lastSeen;
        long[] times = times(s);
        int present = 0;
        for (int i = 0; i < times.length; i++) {
            present |= times[i] != NONE ? 1 << i : 0;
        }
        writeVarLong(out, present);
        for (long t : times) {
            if (t != NONE) {
                writeVarLong(out, t - base);
            }
        }
        if ((flags & HAS_WARN_LIMIT) != 0) {
            out.writeDouble(s.warnLimit);
        }
        if ((flags & HAS_PEAK) != 0) {
            out.writeDouble(s.peakValue);
        }
        writeVarLong(out, s.readings);
        writeVarLong(out, s.escalation);
        strings.write(s.acknowledgedBy);
        strings.writeList(s.members);
        strings.writeList(s.everMembers);
        writeVarLong(out, s.latest == null ? -1 : s.latest.size());
        if (s.latest != null) {
            for (Map.Entry<String, Signal> e : s.latest.entrySet()) {
                strings.write(e.getKey());
                writeSignal(e.getValue(), base, strings, out);
            }
        }
        if (s.last != null) {
            writeAlert(s.last, base, strings, out);
        }
    }

    @Override
    public IncidentState deserialize(DataInputView in) throws IOException {
        StringsIn strings = new StringsIn(in);
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("incident state format " + version + ", expected " + VERSION);
        }
        IncidentState s = new IncidentState();
        s.phase = PHASES[in.readByte()];
        int flags = in.readByte();
        s.reachedAlarm = (flags & REACHED_ALARM) != 0;
        s.lastSeen = in.readLong();
        long base = s.lastSeen;
        long present = readVarLong(in);
        long[] times = new long[TIME_FIELDS];
        for (int i = 0; i < times.length; i++) {
            times[i] = (present & (1L << i)) != 0 ? base + readVarLong(in) : NONE;
        }
        setTimes(s, times);
        s.warnLimit = (flags & HAS_WARN_LIMIT) != 0 ? in.readDouble() : 0.0;
        s.peakValue = (flags & HAS_PEAK) != 0 ? in.readDouble() : Double.NaN;
        s.readings = readVarLong(in);
        s.escalation = (int) readVarLong(in);
        s.acknowledgedBy = strings.read();
        s.members = strings.readList();
        s.everMembers = strings.readList();
        long n = readVarLong(in);
        s.latest = n < 0 ? null : new HashMap<>();
        for (long i = 0; i < n; i++) {
            String kind = strings.read();
            s.latest.put(kind, readSignal(base, strings, in));
        }
        if ((flags & HAS_LAST) != 0) {
            s.last = readAlert(base, strings, in);
        }
        return s;
    }

    private static final int TIME_FIELDS = 10;

    private static long[] times(IncidentState s) {
        return new long[] {s.incidentStart, s.breachSince, s.clearSince, s.forgetTimer, s.firstPreWarningAt,
                s.alarmAt, s.peakAt, s.countedAt, s.acknowledgedAt, s.escalationTimer};
    }

    private static void setTimes(IncidentState s, long[] t) {
        s.incidentStart = t[0];
        s.breachSince = t[1];
        s.clearSince = t[2];
        s.forgetTimer = t[3];
        s.firstPreWarningAt = t[4];
        s.alarmAt = t[5];
        s.peakAt = t[6];
        s.countedAt = t[7];
        s.acknowledgedAt = t[8];
        s.escalationTimer = t[9];
    }

    private static final int CLEARED = 1 << 2;
    private static final int IMMEDIATE = 1 << 3;
    private static final int HAS_ETA = 1 << 4;

    private static void writeSignal(Signal g, long base, StringsOut strings, DataOutputView out) throws IOException {
        strings.write(g.ruleId());
        strings.write(g.detector());
        strings.write(g.deviceId());
        strings.write(g.site());
        strings.write(g.zone());
        strings.write(g.metric());
        strings.write(g.unit());
        out.writeByte(g.level().ordinal() | (g.cleared() ? CLEARED : 0) | (g.immediate() ? IMMEDIATE : 0)
                | (g.eta() != null ? HAS_ETA : 0));
        out.writeDouble(g.value());
        out.writeDouble(g.limit());
        writeVarLong(out, g.eventTime() - base);
        if (g.eta() != null) {
            writeVarLong(out, g.eta() - g.eventTime());
        }
        writeVarLong(out, g.receiveTime() - g.eventTime());
        strings.writeList(g.members());
    }

    private static Signal readSignal(long base, StringsIn strings, DataInputView in) throws IOException {
        String ruleId = strings.read();
        String detector = strings.read();
        String deviceId = strings.read();
        String site = strings.read();
        String zone = strings.read();
        String metric = strings.read();
        String unit = strings.read();
        int bits = in.readByte();
        double value = in.readDouble();
        double limit = in.readDouble();
        long eventTime = base + readVarLong(in);
        Long eta = (bits & HAS_ETA) != 0 ? eventTime + readVarLong(in) : null;
        long receiveTime = eventTime + readVarLong(in);
        return new Signal(ruleId, detector, deviceId, site, zone, metric, unit, LEVELS[bits & 3],
                (bits & CLEARED) != 0, value, limit, eta, eventTime, (bits & IMMEDIATE) != 0, receiveTime,
                strings.readList());
    }

    private static final int DERIVED_ID = 1;
    private static final int ALERT_ETA = 1 << 1;
    private static final int REPORT = 1 << 2;

    private static void writeAlert(Alert a, long base, StringsOut strings, DataOutputView out) throws IOException {
        boolean derived = a.incidentId() != null
                && a.incidentId().equals(derivedId(a.ruleId(), a.subject(), a.metric(), a.startedAt()));
        out.writeByte((derived ? DERIVED_ID : 0) | (a.eta() != null ? ALERT_ETA : 0) | (a.report() != null ? REPORT : 0));
        if (!derived) {
            strings.write(a.incidentId());
        }
        strings.write(a.ruleId());
        strings.write(a.subject());
        strings.write(a.site());
        strings.write(a.zone());
        strings.write(a.metric());
        out.writeByte(a.phase().ordinal());
        strings.write(a.severity());
        out.writeDouble(a.value());
        out.writeDouble(a.limit());
        writeVarLong(out, a.eventTime() - base);
        writeVarLong(out, a.startedAt() - a.eventTime());
        strings.write(a.summary());
        strings.write(a.description());
        strings.write(a.department());
        if (a.eta() != null) {
            writeVarLong(out, a.eta() - a.eventTime());
        }
        strings.write(a.acknowledgedBy());
        writeVarLong(out, a.escalation());
        if (a.report() != null) {
            reports().serialize(a.report(), out);
        }
    }

    private static Alert readAlert(long base, StringsIn strings, DataInputView in) throws IOException {
        int bits = in.readByte();
        String id = (bits & DERIVED_ID) != 0 ? null : strings.read();
        String ruleId = strings.read();
        String subject = strings.read();
        String site = strings.read();
        String zone = strings.read();
        String metric = strings.read();
        Phase phase = PHASES[in.readByte()];
        String severity = strings.read();
        double value = in.readDouble();
        double limit = in.readDouble();
        long eventTime = base + readVarLong(in);
        long startedAt = eventTime + readVarLong(in);
        String summary = strings.read();
        String description = strings.read();
        String department = strings.read();
        Long eta = (bits & ALERT_ETA) != 0 ? eventTime + readVarLong(in) : null;
        String acknowledgedBy = strings.read();
        int escalation = (int) readVarLong(in);
        IncidentReport report = (bits & REPORT) != 0 ? reports().deserialize(in) : null;
        if (id == null) {
            id = derivedId(ruleId, subject, metric, startedAt);
        }
        return new Alert(id, ruleId, subject, site, zone, metric, phase, severity, value, limit, eventTime, startedAt,
                summary, description, department, eta, acknowledgedBy, escalation, report);
    }

    /**
     * Post-event reports travel in CLOSED alerts, which state never keeps; the rare one goes as a POJO, with a
     * serializer of its own (POJO serializers are not shared between threads).
     */
    private static TypeSerializer<IncidentReport> reports() {
        return TypeInformation.of(IncidentReport.class).createSerializer(new SerializerConfigImpl());
    }

    /** The id the lifecycle gives a series incident ({@link IncidentState#incidentId}), so it need not be stored. */
    private static String derivedId(String ruleId, String subject, String metric, long startedAt) {
        return Signal.incidentKey(ruleId, subject, metric) + ":" + startedAt;
    }

    @Override
    public TypeSerializerSnapshot<IncidentState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No configuration: the format is this class's; the version byte guards each state. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<IncidentState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
