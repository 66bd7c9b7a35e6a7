package io.vigil.gateway;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Who may send and what is accepted. Defaults live in {@link #defaults()} only; validated with the rest of
 * {@link GatewayConfig}.
 *
 * @param registryFile     the device registry; null runs the gateway open (any device id, site and zone from the
 *                         payload): for development only
 * @param mqttUsername     the gateway's broker login, null for an anonymous broker
 * @param mqttPassword     its password (the launcher reads it from a file, never the command line)
 * @param ratePerSecond    payloads per second one device may send on average; 0 turns the limit off
 * @param rateBurst        payloads a device may send at once after being quiet
 * @param maxClockAhead    readings timed further in the future than this are refused (INVALID_TIME)
 * @param maxAge           readings older than this are refused (INVALID_TIME)
 * @param duplicateWindow  how many recent (device, metric, time) keys are remembered to refuse duplicates
 */
public record GatewaySecurity(
        Path registryFile,
        String mqttUsername,
        String mqttPassword,
        double ratePerSecond,
        int rateBurst,
        Duration maxClockAhead,
        Duration maxAge,
        int duplicateWindow) {

    public static GatewaySecurity defaults() {
        return new GatewaySecurity(null, null, null, 50, 200, Duration.ofMinutes(5), Duration.ofDays(7), 100_000);
    }

    void validate() {
        check(mqttUsername == null || (!mqttUsername.isBlank() && mqttPassword != null),
                "mqttUsername needs a non-blank name and a password");
        check(ratePerSecond >= 0 && Double.isFinite(ratePerSecond), "ratePerSecond must be >= 0");
        check(rateBurst >= 1, "rateBurst must be >= 1");
        check(maxClockAhead != null && !maxClockAhead.isNegative(), "maxClockAhead must be >= 0");
        check(maxAge != null && maxAge.compareTo(Duration.ofSeconds(1)) >= 0, "maxAge must be >= 1 s");
        check(duplicateWindow >= 0 && duplicateWindow <= 10_000_000, "duplicateWindow must be 0..10000000");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("gateway config: security: " + message);
        }
    }

    public GatewaySecurity withRegistry(Path v) {
        return new GatewaySecurity(v, mqttUsername, mqttPassword, ratePerSecond, rateBurst, maxClockAhead, maxAge,
                duplicateWindow);
    }

    public GatewaySecurity withMqttLogin(String username, String password) {
        return new GatewaySecurity(registryFile, username, password, ratePerSecond, rateBurst, maxClockAhead, maxAge,
                duplicateWindow);
    }

    public GatewaySecurity withRateLimit(double perSecond, int burst) {
        return new GatewaySecurity(registryFile, mqttUsername, mqttPassword, perSecond, burst, maxClockAhead, maxAge,
                duplicateWindow);
    }

    public GatewaySecurity withTimeWindow(Duration clockAhead, Duration age) {
        return new GatewaySecurity(registryFile, mqttUsername, mqttPassword, ratePerSecond, rateBurst, clockAhead, age,
                duplicateWindow);
    }

    public GatewaySecurity withDuplicateWindow(int v) {
        return new GatewaySecurity(registryFile, mqttUsername, mqttPassword, ratePerSecond, rateBurst, maxClockAhead,
                maxAge, v);
    }

    @Override
    public String toString() {
        return "GatewaySecurity[registryFile=" + registryFile + ", mqttUsername=" + mqttUsername
                + ", mqttPassword=" + (mqttPassword == null ? "none" : "***") + ", ratePerSecond=" + ratePerSecond
                + ", rateBurst=" + rateBurst + ", maxClockAhead=" + maxClockAhead + ", maxAge=" + maxAge
                + ", duplicateWindow=" + duplicateWindow + "]";
    }
}
