package io.vigil.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.incident.AuditEvent;
import org.junit.jupiter.api.Test;

/**
 * Kafka deletes records by their timestamp once they are older than the topic's retention, so the job's records
 * must not carry the event time they are about: an alert about a reading from last month would be gone at the
 * broker's next retention check. Left null, the producer stamps the send time.
 */
class RecordTimestampTest {
    static final long YEARS_AGO = 1_700_000_000_000L;

    @Test
    void anAlertAboutAnOldReadingIsStampedWhenSentNotWithItsEventTime() {
        Alert alert = new Alert("level-high:gauge-1:water_level:" + YEARS_AGO, "level-high", "gauge-1", "delta",
                "north", "water_level", Phase.ALARM, "critical", 4.5, 4.0, YEARS_AGO, YEARS_AGO, "s", "d", null, null,
                null, 0, null);
        var record = new AlertRecordSerializer("vigil.alerts").serialize(alert, null, YEARS_AGO);
        assertThat(record.timestamp()).isNull();
        assertThat(new String(record.key())).isEqualTo(alert.incidentId());
    }

    @Test
    void anAuditEventIsStampedWhenSent() {
        AuditEvent event = new AuditEvent("ACKNOWLEDGED", "level-high:gauge-1:water_level:1", "officer", YEARS_AGO,
                "vigil.control", "");
        assertThat(new AuditRecordSerializer("vigil.audit").serialize(event, null, YEARS_AGO).timestamp()).isNull();
    }
}
