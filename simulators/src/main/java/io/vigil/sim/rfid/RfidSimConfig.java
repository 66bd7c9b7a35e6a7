package io.vigil.sim.rfid;

import io.vigil.sim.DeviceCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything an RFID simulator run needs; defaults in {@link #defaults()} only.
 *
 * @param siteFile   the site whose readers and zones the scenario plays on
 * @param timeScale  the scenario runs this many times faster than real time; event times follow the scenario, and
 *                   the run is placed so that its last event time is about when it ends
 * @param round      one inventory round: every reader reports once per round
 * @param formats    the format each reader speaks; readers not listed speak Vigil JSON
 * @param startMs    event time of the scenario's start (epoch ms); null: placed as {@code timeScale} says
 * @param credentials broker logins by reader id: a listed reader logs in as itself (user = reader id), others
 *                   connect anonymously
 */
public record RfidSimConfig(String mqttUrl, Path siteFile, String scenario, long seed, double timeScale,
                            Duration round, ReadNoise noise, Map<String, ReaderFormat> formats, Long startMs,
                            Duration progressEvery, Map<String, DeviceCredentials> credentials) {

    public RfidSimConfig {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }

    public static RfidSimConfig defaults() {
        return new RfidSimConfig("tcp://127.0.0.1:1883", Path.of("config", "site.yaml"), "crowd", 42, 1.0,
                Duration.ofSeconds(1), ReadNoise.defaults(), Map.of("plaza-gate", ReaderFormat.ZEBRA), null,
                Duration.ofSeconds(5), Map.of());
    }

    public RfidSimConfig validate() {
        URI uri = URI.create(mqttUrl);
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme())) {
            throw new IllegalArgumentException("rfid simulator: mqttUrl must be tcp:// or ssl://, got " + mqttUrl);
        }
        if (!RfidScenario.NAMES.contains(scenario)) {
            throw new IllegalArgumentException("rfid simulator: unknown scenario '" + scenario + "'; known: "
                    + String.join(", ", RfidScenario.NAMES));
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("rfid simulator: timeScale must be a positive number, got " + timeScale);
        }
        if (round.toMillis() < 10 || progressEvery.toMillis() < 100) {
            throw new IllegalArgumentException("rfid simulator: round must be at least 10 ms, progressEvery 100 ms");
        }
        noise.validate();
        credentials.forEach((reader, c) -> {
            if (c == null || c.mqttPassword() == null) {
                throw new IllegalArgumentException("rfid simulator: credentials for reader '" + reader
                        + "' have no MQTT password");
            }
        });
        return this;
    }

    public RfidSimConfig withMqttUrl(String v) { return new RfidSimConfig(v, siteFile, scenario, seed, timeScale, round, noise, formats, startMs, progressEvery, credentials); }
    public RfidSimConfig withSiteFile(Path v) { return new RfidSimConfig(mqttUrl, v, scenario, seed, timeScale, round, noise, formats, startMs, progressEvery, credentials); }
    public RfidSimConfig withScenario(String v) { return new RfidSimConfig(mqttUrl, siteFile, v, seed, timeScale, round, noise, formats, startMs, progressEvery, credentials); }
    public RfidSimConfig withSeed(long v) { return new RfidSimConfig(mqttUrl, siteFile, scenario, v, timeScale, round, noise, formats, startMs, progressEvery, credentials); }
    public RfidSimConfig withTimeScale(double v) { return new RfidSimConfig(mqttUrl, siteFile, scenario, seed, v, round, noise, formats, startMs, progressEvery, credentials); }
    public RfidSimConfig withNoise(ReadNoise v) { return new RfidSimConfig(mqttUrl, siteFile, scenario, seed, timeScale, round, v, formats, startMs, progressEvery, credentials); }
    public RfidSimConfig withFormats(Map<String, ReaderFormat> v) { return new RfidSimConfig(mqttUrl, siteFile, scenario, seed, timeScale, round, noise, v, startMs, progressEvery, credentials); }
    public RfidSimConfig withStartMs(Long v) { return new RfidSimConfig(mqttUrl, siteFile, scenario, seed, timeScale, round, noise, formats, v, progressEvery, credentials); }
    public RfidSimConfig withCredentials(Map<String, DeviceCredentials> v) { return new RfidSimConfig(mqttUrl, siteFile, scenario, seed, timeScale, round, noise, formats, startMs, progressEvery, v); }
}
