package io.vigil.sim;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a simulator run needs. Defaults live in {@link #defaults()} only; {@link #validate()} is called once
 * by {@link Simulator#start}.
 *
 * @param mqttUrl         broker URL for MQTT devices ({@code tcp://} or {@code ssl://}); may be null if no device uses MQTT
 * @param coapUri         gateway base URI for CoAP devices ({@code coap://host:port}); may be null if none uses CoAP
 * @param devices         fleet size
 * @param coapShare       share of devices that use CoAP, 0..1 (rounded to whole devices)
 * @param ratePerSecond   readings per second over the whole fleet
 * @param duration        how long to send (null: until stopped or {@code maxReadings})
 * @param maxReadings     how many readings to send at most (null: no limit)
 * @param seed            scenario seed: the same seed gives the same values
 * @param scenario        scenario name, see {@link Scenarios#NAMES}
 * @param deviceIdPrefix  device ids are this prefix plus the device index
 * @param timeScale       how much faster than real time the scenario runs (1: real time)
 * @param payloadFormat   how devices encode readings
 * @param mqttConnections how many MQTT connections the MQTT devices share
 * @param coapClients     how many CoAP clients (each its own UDP socket) the CoAP devices share
 * @param progressEvery   how often a rate line is printed
 * @param credentials     per-device secrets by device id; empty: devices share anonymous MQTT connections and plain
 *                        CoAP clients. Given: every MQTT device logs in as itself on its own connection, and with a
 *                        {@code coaps://} URI every CoAP device does a DTLS PSK handshake on its own endpoint
 */
public record SimulatorConfig(
        String mqttUrl,
        String coapUri,
        int devices,
        double coapShare,
        double ratePerSecond,
        Duration duration,
        Long maxReadings,
        long seed,
        String scenario,
        String deviceIdPrefix,
        double timeScale,
        PayloadFormat payloadFormat,
        int mqttConnections,
        int coapClients,
        Duration progressEvery,
        Map<String, DeviceCredentials> credentials) {

    public SimulatorConfig {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }

    public static SimulatorConfig defaults() {
        return new SimulatorConfig(
                "tcp://127.0.0.1:1883",
                "coap://127.0.0.1:5683",
                10,
                0.3,
                20,
                null,
                null,
                42,
                RiverFloodScenario.NAME,
                "gauge-",
                1.0,
                PayloadFormat.JSON,
                2,
                2,
                Duration.ofSeconds(5),
                Map.of());
    }

    /** Returns this config, or throws naming every field that is wrong. */
    public SimulatorConfig validate() {
        List<String> problems = new ArrayList<>();
        if (devices < 1) {
            problems.add("devices must be at least 1, got " + devices);
        }
        if (!(coapShare >= 0 && coapShare <= 1)) {
            problems.add("coapShare must be between 0 and 1, got " + coapShare);
        }
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            problems.add("ratePerSecond must be a positive number, got " + ratePerSecond);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            problems.add("duration must be positive or null (until stopped), got " + duration);
        }
        if (maxReadings != null && maxReadings < 1) {
            problems.add("maxReadings must be at least 1 or null (no limit), got " + maxReadings);
        }
        if (!Scenarios.NAMES.contains(scenario)) {
            problems.add("scenario must be one of " + Scenarios.NAMES + ", got " + scenario);
        }
        if (deviceIdPrefix == null || deviceIdPrefix.isBlank() || deviceIdPrefix.matches(".*[/+#\\s].*")) {
            problems.add("deviceIdPrefix must be non-blank without '/', '+', '#' or spaces (it is an MQTT topic"
                    + " level and a CoAP path segment), got '" + deviceIdPrefix + "'");
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            problems.add("timeScale must be a positive number, got " + timeScale);
        }
        if (payloadFormat == null) {
            problems.add("payloadFormat must be one of JSON, SENML_JSON");
        }
        if (mqttConnections < 1) {
            problems.add("mqttConnections must be at least 1, got " + mqttConnections);
        }
        if (coapClients < 1) {
            problems.add("coapClients must be at least 1, got " + coapClients);
        }
        if (progressEvery == null || progressEvery.isNegative() || progressEvery.isZero()) {
            problems.add("progressEvery must be positive, got " + progressEvery);
        }
        if (devices >= 1 && coapShare >= 0 && coapShare <= 1) {
            int coap = Fleet.coapDevices(devices, coapShare);
            if (coap < devices) {
                checkUri("mqttUrl", mqttUrl, List.of("tcp", "ssl"), problems);
            }
            if (coap > 0) {
                checkUri("coapUri", coapUri, List.of("coap", "coaps"), problems);
            }
            checkCredentials(problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid simulator config: " + String.join("; ", problems));
        }
        return this;
    }

    private void checkCredentials(List<String> problems) {
        boolean secure = coapUri != null && coapUri.startsWith("coaps:");
        if (secure && credentials.isEmpty()) {
            problems.add("a coaps:// coapUri needs credentials with each CoAP device's PSK");
        }
        if (credentials.isEmpty()) {
            return;
        }
        int coapDevices = Fleet.coapDevices(devices, coapShare);
        for (int i = 0; i < devices; i++) {
            boolean coap = i >= devices - coapDevices; // as Fleet.plan assigns them
            DeviceCredentials c = credentials.get(deviceIdPrefix + i);
            if (c == null || (coap && secure && c.pskKey() == null) || (!coap && c.mqttPassword() == null)) {
                problems.add("credentials lack " + (coap ? "a PSK" : "an MQTT password") + " for device "
                        + deviceIdPrefix + i);
                return;
            }
        }
    }

    private static void checkUri(String field, String value, List<String> schemes, List<String> problems) {
        try {
            URI uri = new URI(value == null ? "" : value);
            if (!schemes.contains(uri.getScheme()) || uri.getHost() == null) {
                problems.add(field + " must look like " + schemes.get(0) + "://host:port, got '" + value + "'");
            }
        } catch (URISyntaxException e) {
            problems.add(field + " is not a URI: " + e.getMessage());
        }
    }

    /** How many readings this run sends, or -1 if it runs until stopped. */
    long readingLimit() {
        long byDuration = duration == null ? Long.MAX_VALUE
                : new ReadingSchedule(devices, ratePerSecond).readingsIn(duration.toNanos() / 1e9);
        long limit = Math.min(byDuration, maxReadings == null ? Long.MAX_VALUE : maxReadings);
        return limit == Long.MAX_VALUE ? -1 : limit;
    }

    public SimulatorConfig withMqttUrl(String v) {
        return new SimulatorConfig(v, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withCoapUri(String v) {
        return new SimulatorConfig(mqttUrl, v, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withDevices(int v) {
        return new SimulatorConfig(mqttUrl, coapUri, v, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withCoapShare(double v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, v, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withRatePerSecond(double v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, v, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withDuration(Duration v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, v, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withMaxReadings(Long v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, v, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withSeed(long v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, v, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withScenario(String v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, v,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withDeviceIdPrefix(String v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                v, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withTimeScale(double v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, v, payloadFormat, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withPayloadFormat(PayloadFormat v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, v, mqttConnections, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withMqttConnections(int v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, v, coapClients, progressEvery, credentials);
    }

    public SimulatorConfig withCoapClients(int v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, v, progressEvery, credentials);
    }

    public SimulatorConfig withCredentials(Map<String, DeviceCredentials> v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, progressEvery, v);
    }

    public SimulatorConfig withProgressEvery(Duration v) {
        return new SimulatorConfig(mqttUrl, coapUri, devices, coapShare, ratePerSecond, duration, maxReadings, seed, scenario,
                deviceIdPrefix, timeScale, payloadFormat, mqttConnections, coapClients, v, credentials);
    }
}
