package io.vigil.app.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.incident.IncidentReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostEventSummaryTest {
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    @Test
    void showsLeadPeakDurationAcknowledgementAndReadings() {
        IncidentReport r = new IncidentReport("river-level-high:g1:water_level:" + T0, "river-level-high", "g1", "delta",
                "river-north", "water-authority", List.of("g1"), T0, T0 + 130_000, 130_000L, 4.517, T0 + 200_000, T0,
                T0 + 303_000, 303_000, T0 + 180_000, "duty officer", 50_000L, 312);
        String text = PostEventSummary.format(r, "  ");
        assertThat(text.lines()).hasSize(2);
        assertThat(text).contains("lead 2m 10s (pre-warning 00:00:00Z, alarm 00:02:10Z)")
                .contains("peak 4.52 at 00:03:20Z").contains("duration 5m 3s")
                .contains("acknowledged by duty officer after 50s").contains("312 readings");
    }

    @Test
    void saysWhenThereWasNoPreWarningOrNoAcknowledgement() {
        IncidentReport r = new IncidentReport("x:g1:water_level:" + T0, "x", "g1", null, null, null, List.of("g1"), null,
                T0, null, 4.2, T0, T0, T0 + 60_000, 60_000, null, null, null, 7);
        assertThat(PostEventSummary.format(r, "")).contains("lead none (no pre-warning before the alarm)")
                .contains("not acknowledged").contains("7 readings");
    }
}
