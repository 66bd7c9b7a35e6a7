package io.vigil.gateway.coap;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.registry.Secrets;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The DTLS server's pre-shared keys, looked up in the device registry at every handshake: the PSK identity is the
 * device id, so a registry reload (a revocation) applies to the next handshake without a restart. Unknown and
 * revoked identities get no key, which fails the handshake.
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
            return new PskSecretResult(cid, identity, null);
        }
        return new PskSecretResult(cid, identity,
                SecretUtil.create(Secrets.dtlsKey(device.get().pskKey()), PskSecretResult.ALGORITHM_PSK));
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
