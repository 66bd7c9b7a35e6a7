package io.vigil.job.rfid;

import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.Rule;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.SiteWarning;
import java.time.Duration;
import java.util.List;

/**
 * The RFID warnings as rules of the shared incident lifecycle: same phases, same incident ids
 * ({@code rule:subject:metric:start}), same post-event reports as the readings' rules. Their detectors are the
 * operators of this package, configured by the site file, so the rules hold only what the lifecycle needs: texts,
 * severity and how long a recovered incident stays RECOVERING before CLOSED.
 */
public final class RfidRules {
    public static final String OCCUPANCY = "rfid-zone-occupancy";
    public static final String INTRUSION = "rfid-intrusion";
    public static final String MISSING_ASSET = "rfid-missing-asset";
    public static final String HAZMAT_OUTSIDE = "rfid-hazmat-outside";
    public static final String DWELL = "rfid-dwell";
    public static final String MUSTER = "rfid-muster";
    static final String SEVERITY = "critical";

    private RfidRules() {}

    /**
     * @param closeAfter an occupancy incident back below its warning level this long (event time) is CLOSED; the
     *                   other warnings close as soon as their cause is gone (the tag left, the asset is back)
     */
    public static RuleSet of(Duration closeAfter) {
        return new RuleSet(List.of(
                rule(OCCUPANCY, "occupancy", closeAfter, "Zone {zone} crowded",
                        "{value} present in {zone}, {phase} at {level} {eta}"),
                rule(INTRUSION, "intrusion", Duration.ZERO, "Intrusion into restricted zone {zone}",
                        "Tag {device} of group {unit} in restricted zone {zone} ({phase})"),
                rule(MISSING_ASSET, "missing", Duration.ZERO, "Asset {device} missing from {zone}",
                        "Asset {device} not read in its home zone {zone} for {value} s ({phase})"),
                rule(HAZMAT_OUTSIDE, "hazmat", Duration.ZERO, "Hazardous material {device} outside {unit}",
                        "Hazardous material {device} read in {zone}, outside its home zone {unit} ({phase})"),
                rule(DWELL, "dwell", Duration.ZERO, "Too long in hazardous zone {zone}",
                        "Person {device} in {zone} for {value} s of {limit} s allowed ({phase})"),
                rule(MUSTER, "muster", Duration.ZERO, "Muster: {value} people not accounted for",
                        "Evacuation of {zone}: not yet read at an assembly point: {members} ({phase})")));
    }

    private static Rule rule(String id, String metric, Duration clearFor, String summary, String description) {
        return new Rule(id, metric, Glob.ANY, Glob.ANY, List.of(new SiteWarning(metric, clearFor)), SEVERITY, summary,
                description, null, null);
    }

    /** A signal of an RFID warning; the detector and metric are the rule's warning kind. */
    static Signal signal(String ruleId, String subject, String site, String zone, String unit, Level level,
                         double value, double limit, Long eta, long time) {
        String kind = kind(ruleId);
        return new Signal(ruleId, kind, subject, site, zone, kind, unit, level, level == Level.NORMAL, value, limit,
                eta, time, false, 0);
    }

    /** Whether the incident id is one of an RFID rule's ({@code rule:subject:metric:start}). */
    public static boolean owns(String incidentId) {
        if (incidentId == null) {
            return false;
        }
        for (String rule : List.of(OCCUPANCY, INTRUSION, MISSING_ASSET, HAZMAT_OUTSIDE, DWELL, MUSTER)) {
            if (incidentId.startsWith(rule + ":")) {
                return true;
            }
        }
        return false;
    }

    static String kind(String ruleId) {
        return switch (ruleId) {
            case OCCUPANCY -> "occupancy";
            case INTRUSION -> "intrusion";
            case MISSING_ASSET -> "missing";
            case HAZMAT_OUTSIDE -> "hazmat";
            case DWELL -> "dwell";
            case MUSTER -> "muster";
            default -> throw new IllegalArgumentException("not an RFID rule: " + ruleId);
        };
    }
}
