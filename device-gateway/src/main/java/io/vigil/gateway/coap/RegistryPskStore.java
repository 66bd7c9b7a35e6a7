package io.vigil.gateway.coap;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The DTLS server's pre-shared keys, looked up in the device registry at every handshake: the PSK identity is the
 * device id, so a registry reload (a revocation) applies to the next handshake without a restart.
 *
 * <p>An unknown or revoked identity ends the handshake at once with a fatal {@code decrypt_error} alert, so the device
 * learns it cannot get in instead of retrying until its own timeout. Scandium's own answer to a missing key is to
 * drop the message silently (its {@code unknown_psk_identity} alert is never sent); {@code decrypt_error} is what
 * RFC 4279 §2 suggests for a server that does not reveal which identities exist, the same alert as for a wrong key.
 */
final class RegistryPskStore implements AdvancedPskStore {
    private final Supplier<DeviceRegistry> registry;

    RegistryPskStore(Supplier<DeviceRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverNames,
            PskPublicInformation identity, String hmacAlgorithm, SecretKey otherSecret, byte[] seed,
            boolean useExtendedMasterSecret) {
        Optional<RegisteredDevice> device = registry.get().find(identity.getPublicInfoAsString());
        if (device.isEmpty() || device.get().revoked()) {
            // the interface declares no exception, but Scandium's caller does (Handshaker.requestPskSecretResult
            // throws HandshakeException): a fatal alert raised here is sent to the client and ends the handshake
            throw RegistryPskStore.<RuntimeException>sneaky(new HandshakeException("no key for PSK identity '"
                    + identity.getPublicInfoAsString() + "'", new AlertMessage(AlertLevel.FATAL,
                    AlertDescription.DECRYPT_ERROR)));
        }
        return new PskSecretResult(cid, identity,
                SecretUtil.create(Secrets.dtlsKey(device.get().pskKey()), PskSecretResult.ALGORITHM_PSK));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }

    /** Only a client names the identity it presents; the gateway is a server. */
    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null;
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // answers are synchronous
    }
}
