package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.incident.Acknowledgement;

/**
 * What the incident lifecycle of one series hears: a detector's signal or a duty officer's acknowledgement
 * (exactly one is set). One keyed input for both leaves the lifecycle's second input to the rules documents.
 */
public record IncidentInput(Signal signal, Acknowledgement ack) {
    public static IncidentInput of(Signal signal) {
        return new IncidentInput(signal, null);
    }

    public static IncidentInput of(Acknowledgement ack) {
        return new IncidentInput(null, ack);
    }

    /** The lifecycle's key, {@code rule:device:metric}. */
    public String incidentKey() {
        return signal != null ? signal.incidentKey() : Alert.incidentKeyOf(ack.incidentId());
    }
}
