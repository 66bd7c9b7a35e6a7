package io.vigil.job.detect;

import static io.vigil.job.state.Compact.readVarLong;
import static io.vigil.job.state.Compact.writeVarLong;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What one rule keeps about one series: the incident and each detector's memory. Detectors without memory
 * (threshold, range, anomaly: the model belongs to the series) leave their fields at the defaults.
 */
public final class RuleState {
    public static final long NONE = Long.MIN_VALUE;

    /** The incident, or null while the series is quiet under this rule. */
    public IncidentState incident;
    /** {@link RateDetector}: the window's readings; null when empty. */
    Points rate;
    /** {@link ForecastDetector}: the window's readings, thinned; null when empty. */
    Points forecast;
    /** {@link FlatlineDetector}: the first value of the current run and when it was read. */
    double flatValue = Double.NaN;
    long flatSince = NONE;
    /** {@link NoDataDetector}: the series is offline under this rule (an ALARM was signalled). */
    boolean offline;
    /**
     * {@code group_anomaly}: the series is anomalous as its group counts it (from an onset while the score holds);
     * the evaluator tells the group only when this changes.
     */
    public boolean groupAnomalous;

    /** True if nothing is worth keeping. */
    public boolean empty() {
        return incident == null && rate == null && forecast == null && flatSince == NONE && !offline
                && !groupAnomalous;
    }

    private static final int INCIDENT = 1;
    private static final int RATE = 1 << 1;
    private static final int FORECAST = 1 << 2;
    private static final int FLAT = 1 << 3;
    private static final int OFFLINE = 1 << 4;
    private static final int GROUP_ANOMALOUS = 1 << 5;

    /** Writes this state compactly: absent parts cost one flag bit, times are differences from {@code base}. */
    public void writeTo(DataOutputView out, long base) throws IOException {
        out.writeByte((incident != null ? INCIDENT : 0) | (rate != null ? RATE : 0) | (forecast != null ? FORECAST : 0)
                | (flatSince != NONE ? FLAT : 0) | (offline ? OFFLINE : 0) | (groupAnomalous ? GROUP_ANOMALOUS : 0));
        if (incident != null) {
            IncidentStateSerializer.INSTANCE.serialize(incident, out);
        }
        if (rate != null) {
            writeBytes(out, rate.encode());
        }
        if (forecast != null) {
            writeBytes(out, forecast.encode());
        }
        if (flatSince != NONE) {
            out.writeDouble(flatValue);
            writeVarLong(out, flatSince - base);
        }
    }

    /** Reads what {@link #writeTo} wrote with the same {@code base}. */
    public static RuleState readFrom(DataInputView in, long base) throws IOException {
        RuleState r = new RuleState();
        int flags = in.readByte();
        if ((flags & INCIDENT) != 0) {
            r.incident = IncidentStateSerializer.INSTANCE.deserialize(in);
        }
        if ((flags & RATE) != 0) {
            r.rate = Points.decode(readBytes(in));
        }
        if ((flags & FORECAST) != 0) {
            r.forecast = Points.decode(readBytes(in));
        }
        if ((flags & FLAT) != 0) {
            r.flatValue = in.readDouble();
            r.flatSince = base + readVarLong(in);
        }
        r.offline = (flags & OFFLINE) != 0;
        r.groupAnomalous = (flags & GROUP_ANOMALOUS) != 0;
        return r;
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
}
