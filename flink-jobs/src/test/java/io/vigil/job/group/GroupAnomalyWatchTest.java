package io.vigil.job.group;

import static io.vigil.job.group.GroupMembersTest.MIN;
import static io.vigil.job.group.GroupMembersTest.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import io.vigil.job.series.SeriesHarness;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The group operator: event-time order, one state entry and one timer per group, nothing left when it is done. */
class GroupAnomalyWatchTest {
    private final KeyedOneInputStreamOperatorTestHarness<String, MemberChange, Signal> h =
            ProcessFunctionTestHarnesses.forKeyedProcessFunction(new GroupAnomalyWatch(), MemberChange::groupKey,
                    Types.STRING);

    GroupAnomalyWatchTest() throws Exception {}

    private void send(MemberChange c) throws Exception {
        h.processElement(c, c.eventTime());
    }

    @Test
    void changesWaitForTheWatermarkAndTheStateAndTimerAreClearedOnceTheGroupIsQuiet() throws Exception {
        // t-3's onset comes first (its partition was read ahead), t-1's spell ended before it: never three at once
        send(change("t-3", true, 12 * MIN));
        send(change("t-1", true, 0));
        send(change("t-2", true, 5 * MIN));
        send(change("t-1", false, MIN));
        assertThat(h.extractOutputValues()).as("nothing before event time reaches the changes").isEmpty();
        assertThat(SeriesHarness.keyedStateEntries(h)).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).as("one timer per group").isEqualTo(1);

        h.processWatermark(new Watermark(12 * MIN));
        assertThat(h.extractOutputValues()).as("t-1 stopped counting at 11 min").isEmpty();

        send(change("t-4", true, 13 * MIN));
        h.processWatermark(new Watermark(13 * MIN));
        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::eventTime, Signal::value)
                .containsExactly(tuple(Level.ALARM, 13 * MIN, 3.0));

        send(change("t-2", false, 14 * MIN));
        send(change("t-3", false, 14 * MIN));
        send(change("t-4", false, 14 * MIN));
        h.processWatermark(new Watermark(24 * MIN));
        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::eventTime)
                .containsExactly(tuple(Level.ALARM, 13 * MIN), tuple(Level.NORMAL, 24 * MIN));
        assertThat(SeriesHarness.keyedStateEntries(h)).as("no state once nothing counts").isZero();
        assertThat(h.numEventTimeTimers()).as("no timer once nothing counts").isZero();
    }

    @Test
    void theEndOfABoundedInputAppliesWhatWaitsAndIsNotTimePassing() throws Exception {
        send(change("t-1", true, 0));
        send(change("t-2", true, MIN));
        send(change("t-3", true, 2 * MIN));
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(h.extractOutputValues()).as("the ALARM, and no clear for time that never passed")
                .extracting(Signal::level, Signal::eventTime).containsExactly(tuple(Level.ALARM, 2 * MIN));
        assertThat(SeriesHarness.keyedStateEntries(h)).isZero();
    }

    @Test
    void aChangeBehindTheWatermarkIsAppliedAtOnce() throws Exception {
        h.processWatermark(new Watermark(10 * MIN));
        send(change("t-1", true, 10 * MIN));
        send(change("t-2", true, 10 * MIN));
        send(change("t-3", true, 4 * MIN)); // its series was judged late
        assertThat(h.extractOutputValues()).extracting(Signal::level, Signal::eventTime)
                .containsExactly(tuple(Level.ALARM, 10 * MIN));
        assertThat(h.numEventTimeTimers()).as("the members' forget time").isEqualTo(1);
    }

    @Test
    void whatWaitsAndWhoCountsSurviveACheckpointAndARestoreIntoANewOperator() throws Exception {
        send(change("t-1", true, 0));
        send(change("t-2", true, MIN));
        h.processWatermark(new Watermark(MIN));
        send(change("t-3", true, 2 * MIN)); // still waiting for the watermark
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new GroupAnomalyWatch()),
                MemberChange::groupKey, Types.STRING);
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        assertThat(restored.numEventTimeTimers()).as("the one timer is restored").isEqualTo(1);
        restored.processWatermark(new Watermark(2 * MIN));
        assertThat(restored.extractOutputValues()).extracting(Signal::level, Signal::eventTime, Signal::members)
                .containsExactly(tuple(Level.ALARM, 2 * MIN,
                        List.of("t-1/temperature", "t-2/temperature", "t-3/temperature")));
        restored.close();
    }
}
