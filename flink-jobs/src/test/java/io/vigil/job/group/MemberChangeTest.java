package io.vigil.job.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.job.anomaly.SeriesAnomaly.Assessment;
import io.vigil.job.detect.RuleState;
import io.vigil.job.rules.Glob;
import io.vigil.job.rules.GroupAnomaly;
import io.vigil.job.rules.Rule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a series' standing in its group changes: what an anomaly rule pages on, an onset held while the score holds. */
class MemberChangeTest {
    static final GroupAnomaly BY_SITE = new GroupAnomaly(GroupAnomaly.By.SITE, 2, Duration.ofMinutes(5),
            Duration.ZERO);
    static final Rule RULE = new Rule("site-watch", "*", Glob.ANY, Glob.ANY, List.of(BY_SITE), "major", "{rule}",
            "{members}", null, null);

    static Reading reading(long t) {
        return new Reading("pump-2", "delta", "intake", "pressure", 1.0, "bar", t, t, Protocol.MQTT);
    }

    @Test
    void anOnsetStartsItTheScoreHoldsItAndTheFirstOrdinaryReadingEndsIt() {
        RuleState state = new RuleState();
        assertThat(MemberChange.of(RULE, BY_SITE, reading(1), state, new Assessment(0.7, false)))
                .as("anomalous within the refractory period, no onset: pages no one, counts for no group").isNull();
        MemberChange onset = MemberChange.of(RULE, BY_SITE, reading(2), state, new Assessment(0.8, true));
        assertThat(onset).isEqualTo(new MemberChange("site-watch", "delta", "delta", "*", "*", "pump-2/pressure",
                true, 2, 2, 300_000, 0));
        assertThat(state.empty()).as("the series' state keeps the standing").isFalse();
        assertThat(MemberChange.of(RULE, BY_SITE, reading(3), state, new Assessment(0.5, false))).isNull();
        MemberChange end = MemberChange.of(RULE, BY_SITE, reading(4), state, new Assessment(0.49, false));
        assertThat(end.anomalous()).isFalse();
        assertThat(end.eventTime()).isEqualTo(4);
        assertThat(state.empty()).isTrue();
        assertThat(MemberChange.of(RULE, BY_SITE, reading(5), state, new Assessment(0.1, false))).isNull();
        assertThat(MemberChange.of(RULE, BY_SITE, reading(6), state, null)).as("not scored: nothing to say").isNull();
    }
}
