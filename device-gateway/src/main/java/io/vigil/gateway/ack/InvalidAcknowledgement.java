package io.vigil.gateway.ack;

import io.vigil.common.RejectReason;

/** An acknowledgement refused before anything was published: {@code reason} is the dead-letter code, the message says why. */
public final class InvalidAcknowledgement extends Exception {
    private final RejectReason reason;

    public InvalidAcknowledgement(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
