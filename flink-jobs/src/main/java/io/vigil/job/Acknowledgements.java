package io.vigil.job;

import io.vigil.common.Alert;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.ControlMessage;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The acknowledgements among the control messages; one naming no incident id cannot be routed and is dropped. */
public final class Acknowledgements implements FlatMapFunction<ControlMessage, Acknowledgement> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

    @Override
    public void flatMap(ControlMessage message, Collector<Acknowledgement> out) {
        if (message.type() != ControlMessage.Type.ACK || message.ack() == null) {
            return;
        }
        Acknowledgement ack = message.ack();
        if (Alert.incidentKeyOf(ack.incidentId()) == null || ack.by() == null) {
            LOG.warn("dropping acknowledgement without a valid incident id or officer: {}", ack);
            return;
        }
        out.collect(ack);
    }
}
