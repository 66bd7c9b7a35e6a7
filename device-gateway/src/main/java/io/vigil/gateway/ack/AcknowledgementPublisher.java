package io.vigil.gateway.ack;

import io.vigil.common.Topics;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.KafkaSender;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes an acknowledgement to the job ({@code vigil.control}) and to the supervisors' record
 * ({@code vigil.audit}), both keyed by incident id so everything about one incident stays in order.
 */
public final class AcknowledgementPublisher {
    public static final String AUDIT_KIND = "ACKNOWLEDGED";

    private final KafkaSender kafka;
    private final JsonSerde<ControlMessage> control = JsonSerde.control();
    private final JsonSerde<AuditEvent> audit = JsonSerde.audit();

    public AcknowledgementPublisher(KafkaSender kafka) {
        this.kafka = kafka;
    }

    /** Completes when Kafka acknowledged both records; exceptionally if either was not taken. */
    public CompletableFuture<Void> publish(Acknowledgement ack) {
        AuditEvent event = new AuditEvent(AUDIT_KIND, ack.incidentId(), ack.by(), ack.at(), ack.source(), ack.comment());
        return CompletableFuture.allOf(
                kafka.send(Topics.CONTROL, ack.incidentId(), control.toBytes(ControlMessage.of(ack))),
                kafka.send(Topics.AUDIT, ack.incidentId(), audit.toBytes(event)));
    }
}
