package io.vigil.job.group;

import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly;
import io.vigil.job.detect.RuleState;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.GroupAnomaly;
import io.vigil.job.rules.Rule;

/**
 * One series of a {@code group_anomaly} rule's group turned anomalous or stopped being so: all the group watch
 * hears of it. The series evaluator sends one only on a change, so a group costs nothing per reading beyond the
 * series' own judgement. It carries the rule's parameters as they were when the series was judged, so the group
 * watch needs no rules of its own.
 *
 * @param group    the group's name and its incidents' subject: {@code <site>:<zone>}, or {@code <site>} for a
 *                 site's group
 * @param zone     the zone, or {@code *} for a site's group
 * @param metric   the rule's metric ({@code *} for any)
 * @param member   the series, {@code device/metric}
 */
public record MemberChange(String ruleId, String group, String site, String zone, String metric, String member,
                           boolean anomalous, long eventTime, int atLeast, long withinMs, long clearForMs) {
    /** The group watch's key: the key of the group's incident in the lifecycle, {@code rule:group:metric}. */
    public String groupKey() {
        return Signal.incidentKey(ruleId, group, metric);
    }

    /**
     * The change {@code assessment} of reading {@code r} makes to its series' standing in the group, or null when it
     * makes none ({@link #anomalousAfter}).
     */
    public static MemberChange of(Rule rule, GroupAnomaly g, Reading r, RuleState state,
                                  SeriesAnomaly.Assessment assessment) {
        if (assessment == null) {
            return null;
        }
        boolean anomalous = anomalousAfter(state.groupAnomalous, assessment);
        if (anomalous == state.groupAnomalous) {
            return null;
        }
        state.groupAnomalous = anomalous;
        boolean zone = g.by() == GroupAnomaly.By.ZONE;
        return new MemberChange(rule.id(), zone ? r.site() + ":" + r.zone() : r.site(),
                r.site(), zone ? r.zone() : "*", rule.metric(), r.seriesKey(), anomalous, r.eventTime(),
                g.atLeast(), g.within().toMillis(), g.clearFor().toMillis());
    }

    /**
     * Whether a series counts as anomalous for its group after {@code assessment}, given whether it did before: from
     * an onset (the model's, after its refractory period) for as long as the score holds at 0.5 or more.
     */
    public static boolean anomalousAfter(boolean anomalous, SeriesAnomaly.Assessment assessment) {
        return anomalous ? assessment.score() >= SeriesAnomaly.Assessment.ANOMALOUS : assessment.onset();
    }
}
