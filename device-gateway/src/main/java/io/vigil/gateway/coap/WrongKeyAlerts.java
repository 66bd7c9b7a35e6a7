package io.vigil.gateway.coap;

import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.HandshakeException;

/**
 * Ends a DTLS handshake whose client uses the wrong pre-shared key with a fatal {@code decrypt_error} alert, so the
 * device learns at once that it cannot get in. The server first notices a wrong key when the client's Finished does
 * not decrypt; Scandium drops such a record silently (as DTLS does for bad records once a session runs), and the
 * client would retransmit until its own timeout, about 30 s and more. Only records of a handshake in progress are
 * answered this way; an established session still drops bad records silently. The price: someone who can spoof the
 * client's address could abort its handshake with one bad record, which they could also do by dropping its packets.
 */
final class WrongKeyAlerts implements ConnectionListener {
    private volatile DTLSConnector connector;

    /** The connector this listener was configured into; set before it starts. */
    void attach(DTLSConnector connector) {
        this.connector = connector;
    }

    @Override
    public boolean onConnectionMacError(Connection connection) {
        DTLSConnector dtls = connector;
        if (dtls != null && connection.hasOngoingHandshake()) {
            dtls.processHandshakeException(connection, new HandshakeException("the client's Finished does not"
                    + " decrypt: wrong pre-shared key", new AlertMessage(AlertLevel.FATAL, AlertDescription.DECRYPT_ERROR)));
        }
        return false; // Scandium's own answer (drop the record, keep the connection) for everything else
    }

    @Override
    public void onConnectionEstablished(Connection connection) {
    }

    @Override
    public void onConnectionRemoved(Connection connection) {
    }

    @Override
    public boolean onConnectionUpdatesSequenceNumbers(Connection connection, boolean writeSequence) {
        return false;
    }

    @Override
    public void beforeExecution(Connection connection) {
    }

    @Override
    public void updateExecution(Connection connection) {
    }

    @Override
    public void afterExecution(Connection connection) {
    }
}
