package io.vigil.common.registry;

import java.util.Objects;

/**
 * An MQTT account of a Vigil process rather than a device.
 *
 * @param passwordHash Mosquitto {@code $7$} hash ({@link Secrets#mosquittoHash})
 */
public record ServiceAccount(String username, String passwordHash, Role role) {
    public enum Role {
        /** Reads every device's readings (shared subscription) and officers' acknowledgements. */
        GATEWAY,
        /** The Flink job: publishes alert states for field displays and sirens. */
        ALERT_PUBLISHER,
        /** A duty officers' console: reads alerts, publishes acknowledgements. */
        OFFICER_CONSOLE
    }

    public ServiceAccount {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(role, "role");
    }
}
