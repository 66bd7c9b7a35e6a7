package io.vigil.gateway;

import io.micrometer.core.instrument.Clock;
import io.micrometer.influx.InfluxApiVersion;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import java.time.Duration;

/** Where a gateway's Micrometer meters go: InfluxDB's v1 API when configured, in-process otherwise. */
final class MetricsRegistries {
    private MetricsRegistries() {}

    static GatewayMetrics forConfig(GatewayConfig config) {
        if (config.metricsInfluxUrl() == null) {
            return new GatewayMetrics();
        }
        InfluxMeterRegistry registry = new InfluxMeterRegistry(influx(config.metricsInfluxUrl(),
                config.metricsDatabase(), config.metricsStep()), Clock.SYSTEM);
        // several gateways write the same measurements; the instance tag keeps their series apart
        registry.config().commonTags("instance", config.mqttClientIdPrefix());
        return new GatewayMetrics(registry);
    }

    static InfluxConfig influx(String url, String database, Duration step) {
        return new InfluxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String uri() {
                return url;
            }

            @Override
            public String db() {
                return database;
            }

            @Override
            public InfluxApiVersion apiVersion() {
                return InfluxApiVersion.V1;
            }

            @Override
            public boolean autoCreateDb() {
                return true;
            }

            @Override
            public Duration step() {
                return step;
            }
        };
    }
}
