package io.vigil.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.IncidentReport;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The compact incident state must restore exactly what was stored, and be much smaller than the POJO form. */
class IncidentStateSerializerTest {
    private static final long T = 1_767_225_600_000L;
    private static final IncidentStateSerializer SERIALIZER = IncidentStateSerializer.INSTANCE;

    static Signal signal(String kind, Level level, boolean cleared, Long eta, long at) {
        return new Signal("level-high", kind, "bench-12345", "site-3", "zone-12", "level", "m", level, cleared, 3.7,
                4.0, eta, at, false, at + 35);
    }

    /** An open ALARM acknowledged and escalated once, every field set away from its default. */
    static IncidentState open() {
        IncidentState s = new IncidentState();
        s.phase = Phase.ALARM;
        s.incidentStart = T;
        s.reachedAlarm = true;
        s.breachSince = T + 10_000;
        s.lastSeen = T + 90_000;
        s.forgetTimer = T + 90_000 + 86_400_000L;
        s.warnLimit = 3.6;
        s.firstPreWarningAt = T;
        s.alarmAt = T + 40_000;
        s.peakValue = 4.4;
        s.peakAt = T + 60_000;
        s.readings = 9;
        s.countedAt = T + 90_000;
        s.acknowledgedBy = "duty-1";
        s.acknowledgedAt = T + 70_000;
        s.escalation = 1;
        s.escalationTimer = 1_800_000_000_000L;
        s.latest.put("threshold", signal("threshold", Level.ALARM, false, null, T + 90_000));
        s.latest.put("forecast", signal("forecast", Level.WARN, true, T + 150_000, T + 80_000));
        s.latest.put("rate", new Signal("level-high", "rate", "bench-12345", "site-4", "zone-1", "level", null,
                Level.NORMAL, true, Double.NaN, -0.0, null, T + 90_000, true, 0L));
        s.last = new Alert("level-high:bench-12345:level:" + T, "level-high", "bench-12345", "site-3", "zone-12",
                "level", Phase.ALARM, "critical", 4.1, 4.0, T + 40_000, T, "Level high at zone-12", "4.1 m > 4.0 m",
                "city-operations", null, "duty-1", 1, null);
        return s;
    }

    @Test
    void restoresEveryFieldOfAnOpenIncident() throws IOException {
        IncidentState s = open();
        assertSame(roundTrip(s), s);
        assertSame(SERIALIZER.copy(s), s);
        assertThat(SERIALIZER.copy(s)).isNotSameAs(s);
    }

    @Test
    void restoresGroupsDefaultsAndUnusualIds() throws IOException {
        IncidentState fresh = new IncidentState();
        assertSame(roundTrip(fresh), fresh);

        IncidentState group = open();
        group.members = List.of("p-1", "p-2");
        group.everMembers.addAll(List.of("p-1", "p-3", "p-2"));
        group.latest.put("muster", new Signal("muster", "muster", "site-3", "site-3", "all", "present", null,
                Level.ALARM, false, 2, 0, null, T + 5_000, false, 0L, List.of("p-1", "p-2")));
        group.warnLimit = 0.0;
        group.peakValue = Double.NaN;
        IncidentReport report = new IncidentReport("x", "r", "s", "site", "zone", null, List.of("s"), null, T, null,
                1.0, T, T, T + 1, 1, null, null, null, 3);
        group.last = new Alert("not-derived", null, "bench-1", null, null, "level", Phase.CLOSED, "minor", 1, 2, T, T,
                null, "", null, T + 9, null, 0, report);
        IncidentState back = roundTrip(group);
        assertSame(back, group);
        back.everMembers.add("p-4"); // the lifecycle appends to it
        assertThat(back.everMembers).hasSize(4);
    }

    @Test
    void isAFractionOfThePojoForm() throws IOException {
        IncidentState s = open();
        TypeSerializer<IncidentState> pojo = TypeInformation.of(IncidentState.class)
                .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer pojoBytes = new DataOutputSerializer(1024);
        pojo.serialize(s, pojoBytes);
        assertThat(bytes(s).length).as("compact vs POJO (%d bytes)", pojoBytes.length())
                .isLessThan(pojoBytes.length() / 2);
    }

    @Test
    void refusesAnotherFormat() throws IOException {
        byte[] b = bytes(open());
        b[0] = 99;
        assertThatThrownBy(() -> SERIALIZER.deserialize(new DataInputDeserializer(b)))
                .isInstanceOf(IOException.class).hasMessageContaining("format 99");
    }

    /** A field the serializer does not know would silently be lost on every restore. */
    @Test
    void knowsEveryFieldOfTheState() {
        assertThat(Arrays.stream(IncidentState.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName))
                .as("fields IncidentStateSerializer writes; add a new one there and here")
                .containsExactlyInAnyOrder("phase", "incidentStart", "reachedAlarm", "breachSince", "clearSince",
                        "lastSeen", "forgetTimer", "warnLimit", "firstPreWarningAt", "alarmAt", "peakValue", "peakAt",
                        "readings", "countedAt", "acknowledgedBy", "acknowledgedAt", "escalation", "escalationTimer",
                        "last", "members", "everMembers", "latest");
    }

    /** Field by field; doubles bit for bit (NaN equals NaN, -0.0 differs from 0.0), as the lifecycle needs them. */
    private static void assertSame(IncidentState actual, IncidentState expected) {
        assertThat(actual).usingRecursiveComparison().withEqualsForType(Double::equals, Double.class)
                .isEqualTo(expected);
    }

    private static byte[] bytes(IncidentState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        SERIALIZER.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    private static IncidentState roundTrip(IncidentState s) throws IOException {
        return SERIALIZER.deserialize(new DataInputDeserializer(bytes(s)));
    }
}
