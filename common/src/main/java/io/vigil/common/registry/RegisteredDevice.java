package io.vigil.common.registry;

import java.util.Objects;
import java.util.Set;

/**
 * One device the operator registered. The device id is also its MQTT user name and its DTLS PSK identity, so a
 * device that authenticated can only ever speak as itself.
 *
 * @param site             where the device is installed; readings take their site from here, never the payload
 * @param zone             the zone readings are attributed to (alert routing and rules use it)
 * @param department       owning department, optional (null)
 * @param mqttPasswordHash the MQTT password as a Mosquitto {@code $7$} PBKDF2-SHA512 hash; the clear secret is
 *                         shown once by {@code vigil devices add} and stored nowhere
 * @param pskKey           the CoAP DTLS pre-shared key, Base64; symmetric, so the registry file must stay private
 * @param metrics          metrics the device may report; empty means any
 * @param revoked          a revoked device stays listed (its id is not reused by accident) but is refused everywhere
 */
public record RegisteredDevice(String id, String site, String zone, String department, String mqttPasswordHash,
                               String pskKey, Set<String> metrics, boolean revoked) {
    public RegisteredDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(zone, "zone");
        metrics = metrics == null ? Set.of() : Set.copyOf(metrics);
    }

    public boolean allowsMetric(String metric) {
        return metrics.isEmpty() || metrics.contains(metric);
    }

    public RegisteredDevice asRevoked() {
        return new RegisteredDevice(id, site, zone, department, mqttPasswordHash, pskKey, metrics, true);
    }
}
