package io.vigil.gateway.mqtt;

import io.vigil.common.Topics;
import java.util.Locale;

/**
 * How the gateway subscribes to each {@link MqttRoute}'s topic tree. The choice is about what survives a broker
 * restart: Mosquitto 2.0.11 (Debian's) restores a persistent session's plain subscriptions from its persistence
 * file but not its shared ones (checked against the real broker: a session subscribed to {@code t/+} receives a
 * QoS 1 message published after the restart and before it reconnects; one subscribed to {@code $share/g/t/+}
 * receives nothing, though the broker acknowledged the publish).
 */
public enum SubscriptionMode {
    /**
     * One connection with a plain subscription per route. The broker keeps it across its restart, so what devices
     * publish before the gateway is back waits in the gateway's session. One gateway instance per broker: a second
     * plain subscriber would get every message again.
     */
    PLAIN,
    /**
     * Every connection of every instance joins the shared group {@code $share/vigil/...} and takes a share. Scales
     * out, but after a broker restart readings published before the gateway re-subscribes are acknowledged to the
     * device and dropped.
     */
    SHARED;

    /** The filter this mode subscribes for the topic tree {@code prefix + "+"}. */
    public String filter(String prefix) {
        String tree = prefix + "+";
        return this == PLAIN ? tree : "$share/" + Topics.MQTT_SHARED_GROUP + "/" + tree;
    }

    /** The other mode: its subscriptions are dropped from a resumed session, or both would deliver each message. */
    SubscriptionMode other() {
        return this == PLAIN ? SHARED : PLAIN;
    }

    /** {@code plain} or {@code shared}, any case; anything else is refused naming both. */
    public static SubscriptionMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("MQTT subscription must be plain or shared, was '" + name + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
