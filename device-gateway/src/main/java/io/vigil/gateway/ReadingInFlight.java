package io.vigil.gateway;

/**
 * A payload repeats a reading whose earlier copy is still on its way to Kafka: typically the MQTT broker redelivering
 * after a reconnect while Kafka is slow. Neither accepted (that could lose it if the earlier copy fails) nor
 * dead-lettered (it is valid): the transport does not acknowledge it and the device or broker retries it later.
 */
public final class ReadingInFlight extends RuntimeException {
    public ReadingInFlight(String detail) {
        super(detail, null, false, false);
    }
}
