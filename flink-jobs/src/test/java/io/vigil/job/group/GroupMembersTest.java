package io.vigil.job.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.job.detect.Level;
import io.vigil.job.detect.Signal;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The counting of a group's anomalous series, in plain Java. */
class GroupMembersTest {
    static final long MIN = 60_000L;
    static final long WITHIN = 10 * MIN;
    static final long FORGET = 24 * 60 * MIN;

    static MemberChange change(String device, boolean anomalous, long t) {
        return change(device, anomalous, t, 0);
    }

    static MemberChange change(String device, boolean anomalous, long t, long clearForMs) {
        return new MemberChange("boiler", "plant:boiler-room", "plant", "boiler-room", "*",
                device + "/temperature", anomalous, t, 3, WITHIN, clearForMs);
    }

    @Test
    void threeSeriesWithinTheWindowAlarmWithTheirNamesAndTheGroupClearsWhenFewerCount() {
        GroupMembers g = new GroupMembers();
        g.add(change("t-1", true, 0));
        g.add(change("t-1", false, MIN)); // a one-minute spell: still counts until 11 min
        g.add(change("t-2", true, 5 * MIN));
        g.add(change("t-3", true, 9 * MIN));
        List<Signal> signals = g.advance(9 * MIN, FORGET);
        assertThat(signals).extracting(Signal::level, Signal::eventTime, Signal::value, Signal::members)
                .containsExactly(tuple(Level.ALARM, 9 * MIN, 3.0,
                        List.of("t-1/temperature", "t-2/temperature", "t-3/temperature")));
        assertThat(signals.get(0).deviceId()).isEqualTo("plant:boiler-room");
        assertThat(signals.get(0).limit()).isEqualTo(3.0);

        // t-1's window ends at 11 min: fewer than three count, the group is cleared
        assertThat(g.nextDue(FORGET)).isEqualTo(11 * MIN);
        signals = g.advance(20 * MIN, FORGET);
        assertThat(signals).extracting(Signal::level, Signal::cleared, Signal::eventTime, Signal::members)
                .containsExactly(tuple(Level.NORMAL, true, 11 * MIN, List.of("t-2/temperature", "t-3/temperature")));
    }

    @Test
    void oneSeriesAloneOrSpellsFurtherApartThanTheWindowSayNothing() {
        GroupMembers g = new GroupMembers();
        g.add(change("t-1", true, 0));
        g.add(change("t-1", false, MIN));
        g.add(change("t-1", true, 2 * MIN)); // the same series again is still one series
        g.add(change("t-2", true, 3 * MIN));
        g.add(change("t-2", false, 4 * MIN));
        g.add(change("t-3", true, 15 * MIN)); // t-2 stopped counting at 14 min
        assertThat(g.advance(30 * MIN, FORGET)).isEmpty();
        assertThat(g.counting()).containsExactly("t-1/temperature", "t-3/temperature");
    }

    @Test
    void changesAreAppliedInEventTimeOrderWhateverTheOrderTheyCame() {
        List<MemberChange> changes = List.of(change("t-1", true, 0), change("t-1", false, MIN),
                change("t-2", true, 5 * MIN), change("t-3", true, 12 * MIN));
        GroupMembers inOrder = new GroupMembers();
        changes.forEach(inOrder::add);
        GroupMembers reversed = new GroupMembers();
        for (int i = changes.size() - 1; i >= 0; i--) {
            reversed.add(changes.get(i));
        }
        // t-1 left at 11 min, before t-3 came: never three at once
        assertThat(inOrder.advance(20 * MIN, FORGET)).isEmpty();
        assertThat(reversed.advance(20 * MIN, FORGET)).isEmpty();
    }

    @Test
    void aChangedListDuringAlarmIsSaidAgainAndClearForRepeatsTheClearSoTheIncidentCanClose() {
        GroupMembers g = new GroupMembers();
        long clearFor = 2 * MIN;
        for (String d : List.of("t-1", "t-2", "t-3")) {
            g.add(change(d, true, 0, clearFor));
        }
        g.add(change("t-4", true, MIN, clearFor));
        g.add(change("t-1", false, 2 * MIN, clearFor)); // still counts for WITHIN: the list does not change
        for (String d : List.of("t-2", "t-3", "t-4")) {
            g.add(change(d, false, 3 * MIN, clearFor));
        }
        List<Signal> signals = g.advance(60 * MIN, FORGET);
        assertThat(signals).extracting(Signal::level, Signal::eventTime, Signal::value).containsExactly(
                tuple(Level.ALARM, 0L, 3.0), tuple(Level.ALARM, MIN, 4.0),
                tuple(Level.ALARM, 12 * MIN, 3.0), // t-1 left; t-2..t-4 count until 13 min
                tuple(Level.NORMAL, 13 * MIN, 0.0),
                tuple(Level.NORMAL, 15 * MIN, 0.0)); // clear_for after the first clear
        assertThat(g.empty()).as("nothing left to remember").isTrue();
        assertThat(g.nextDue(FORGET)).isEqualTo(GroupMembers.NONE);
    }

    @Test
    void aSpellThatNeverEndsIsForgottenAfterTheForgetTime() {
        GroupMembers g = new GroupMembers();
        g.add(change("t-1", true, 0));
        assertThat(g.advance(0, FORGET)).isEmpty();
        assertThat(g.nextDue(FORGET)).isEqualTo(FORGET);
        g.advance(FORGET, FORGET);
        assertThat(g.empty()).isTrue();
    }

    @Test
    void aChangeThatComesAfterItsTimeWasPassedIsAppliedAtTheGroupsTime() {
        GroupMembers g = new GroupMembers();
        g.add(change("t-1", true, 10 * MIN));
        g.add(change("t-2", true, 10 * MIN));
        g.advance(10 * MIN, FORGET);
        g.add(change("t-3", true, 5 * MIN)); // judged late
        assertThat(g.advance(10 * MIN, FORGET)).extracting(Signal::level, Signal::eventTime)
                .containsExactly(tuple(Level.ALARM, 10 * MIN));
    }

    @Test
    void theStateSurvivesItsSerializer() throws Exception {
        GroupMembers g = new GroupMembers();
        g.add(change("t-1", true, 0));
        g.add(change("t-2", true, MIN));
        g.add(change("t-3", true, 2 * MIN));
        g.advance(2 * MIN, FORGET);
        g.add(change("t-1", false, 3 * MIN));
        g.timer = 3 * MIN;
        DataOutputSerializer out = new DataOutputSerializer(64);
        GroupMembersSerializer.INSTANCE.serialize(g, out);
        GroupMembers back = GroupMembersSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(back).usingRecursiveComparison().isEqualTo(g);
        // the restored group goes on as the original would
        assertThat(back.advance(30 * MIN, FORGET)).usingRecursiveComparison()
                .isEqualTo(g.advance(30 * MIN, FORGET));
    }
}
