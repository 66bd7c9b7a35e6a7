package io.vigil.job.rules;

import io.vigil.common.Reading;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One alerting rule: which series it watches ({@code metric}, device and zone globs), which detectors watch them
 * ({@code conditions}, merged by the incident lifecycle) and how its alerts read ({@code severity},
 * {@code summary}, {@code description} templates with {@code {device}}-style placeholders, see
 * {@link io.vigil.job.detect.AlertText}).
 *
 * <p>A value class rather than a record only so it can keep its conditions by kind, worked out once: the series
 * evaluator asks a rule for its detectors, holding times and direction several times per reading, and a scan of the
 * condition list by class was 7 % of the job's CPU in the {@code bench job} profile.
 */
public final class Rule implements Serializable {
    private static final long serialVersionUID = 2L;
    /** A rule's {@code metric} that matches every metric (e.g. the default anomaly rule). */
    public static final String ANY_METRIC = "*";

    private final String id;
    private final String metric;
    private final Glob devices;
    private final Glob zones;
    private final List<Condition> conditions;
    private final String severity;
    private final String summary;
    private final String description;
    private final String department;
    private final Duration escalateAfter;

    // derived from conditions, once
    private final Threshold threshold;
    private final RateOfChange rate;
    private final PredictedCrossing forecast;
    private final NoData noData;
    private final Flatline flatline;
    private final Range range;
    private final Anomaly anomaly;
    private final GroupAnomaly groupAnomaly;
    private final SiteWarning siteWarning;
    private final long holdForMs;
    private final long clearForMs;
    private final boolean warns;
    private final Direction direction;

    /**
     * @param department    who handles its incidents, or null to look the zone up in the file's {@code departments}
     * @param escalateAfter an unacknowledged ALARM is re-notified with a higher escalation level this often; null =
     *                      never
     */
    public Rule(String id, String metric, Glob devices, Glob zones, List<Condition> conditions, String severity,
                String summary, String description, String department, Duration escalateAfter) {
        this.id = id;
        this.metric = metric;
        this.devices = devices;
        this.zones = zones;
        this.conditions = List.copyOf(conditions);
        this.severity = severity;
        this.summary = summary;
        this.description = description;
        this.department = department;
        this.escalateAfter = escalateAfter;
        this.threshold = find(Threshold.class);
        this.rate = find(RateOfChange.class);
        this.forecast = find(PredictedCrossing.class);
        this.noData = find(NoData.class);
        this.flatline = find(Flatline.class);
        this.range = find(Range.class);
        this.anomaly = find(Anomaly.class);
        this.groupAnomaly = find(GroupAnomaly.class);
        this.siteWarning = find(SiteWarning.class);
        this.holdForMs = (threshold != null ? threshold.holdFor()
                : anomaly != null ? anomaly.holdFor() : Duration.ZERO).toMillis();
        this.clearForMs = (threshold != null ? threshold.clearFor() : anomaly != null ? anomaly.clearFor()
                : groupAnomaly != null ? groupAnomaly.clearFor()
                : siteWarning != null ? siteWarning.clearFor() : Duration.ZERO).toMillis();
        this.warns = threshold != null && threshold.hasWarn() || forecast != null || rate != null && !rate.alarm()
                || anomaly != null && anomaly.warn() != null;
        this.direction = threshold != null ? threshold.direction()
                : forecast != null ? forecast.direction() : Direction.ABOVE;
    }

    /** A single-detector rule without department or escalation. */
    public Rule(String id, String metric, Glob devices, Glob zones, Condition condition, String severity,
                String summary, String description) {
        this(id, metric, devices, zones, List.of(condition), severity, summary, description, null, null);
    }

    private <C extends Condition> C find(Class<C> kind) {
        for (Condition c : conditions) {
            if (kind.isInstance(c)) {
                return kind.cast(c);
            }
        }
        return null;
    }

    public boolean matches(Reading reading) {
        return (metric.equals(ANY_METRIC) || metric.equals(reading.metric())) && devices.matches(reading.deviceId())
                && zones.matches(reading.zone());
    }

    /** Whether the rule has a detector of this kind (a signal's {@code detector}). */
    public boolean has(String kind) {
        return switch (kind) {
            case Threshold.KIND -> threshold != null;
            case RateOfChange.KIND -> rate != null;
            case PredictedCrossing.KIND -> forecast != null;
            case NoData.KIND -> noData != null;
            case Flatline.KIND -> flatline != null;
            case Range.KIND -> range != null;
            case Anomaly.KIND -> anomaly != null;
            case GroupAnomaly.KIND -> groupAnomaly != null;
            default -> siteWarning != null && siteWarning.kind().equals(kind);
        };
    }

    public Threshold threshold() {
        return threshold;
    }

    public RateOfChange rateOfChange() {
        return rate;
    }

    public PredictedCrossing forecast() {
        return forecast;
    }

    public NoData noData() {
        return noData;
    }

    public Flatline flatline() {
        return flatline;
    }

    public Range range() {
        return range;
    }

    public Anomaly anomaly() {
        return anomaly;
    }

    public GroupAnomaly groupAnomaly() {
        return groupAnomaly;
    }

    /** Whether the series' anomaly model must score readings for this rule. */
    public boolean scores() {
        return anomaly != null || groupAnomaly != null;
    }

    /** How long an ALARM level must hold before ALARM: the threshold's {@code for}, else the anomaly's, else 0. */
    public Duration holdFor() {
        return Duration.ofMillis(holdForMs);
    }

    public long holdForMs() {
        return holdForMs;
    }

    public Duration clearFor() {
        return Duration.ofMillis(clearForMs);
    }

    public long clearForMs() {
        return clearForMs;
    }

    /** True if a detector can raise a PRE_WARNING (a threshold's warn level, a forecast, a warning rate). */
    public boolean warns() {
        return warns;
    }

    /** Which side is bad for the peak of a report: the threshold's or forecast's direction, else above. */
    public Direction direction() {
        return direction;
    }

    public String id() {
        return id;
    }

    public String metric() {
        return metric;
    }

    public Glob devices() {
        return devices;
    }

    public Glob zones() {
        return zones;
    }

    public List<Condition> conditions() {
        return conditions;
    }

    public String severity() {
        return severity;
    }

    public String summary() {
        return summary;
    }

    public String description() {
        return description;
    }

    public String department() {
        return department;
    }

    public Duration escalateAfter() {
        return escalateAfter;
    }

    /** Equal when everything a rules document says is equal: what tells a changed rule on a reload. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Rule r && id.equals(r.id) && metric.equals(r.metric) && devices.equals(r.devices)
                && zones.equals(r.zones) && conditions.equals(r.conditions) && Objects.equals(severity, r.severity)
                && Objects.equals(summary, r.summary) && Objects.equals(description, r.description)
                && Objects.equals(department, r.department) && Objects.equals(escalateAfter, r.escalateAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, metric, devices, zones, conditions, severity, summary, description, department,
                escalateAfter);
    }

    @Override
    public String toString() {
        return "Rule[id=" + id + ", metric=" + metric + ", devices=" + devices + ", zones=" + zones + ", conditions="
                + conditions + ", severity=" + severity + ", department=" + department + ", escalateAfter="
                + escalateAfter + "]";
    }
}
