package io.vigil.gateway;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.influx.InfluxApiVersion;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a gateway's Micrometer meters go: InfluxDB's v1 API and a Prometheus scrape registry, each when configured,
 * both at once through a composite; in-process only otherwise.
 */
final class MetricsRegistries {
    private MetricsRegistries() {}

    static GatewayMetrics forConfig(GatewayConfig config) {
        return forConfig(config, null);
    }

    /** @param prometheus the registry the scrape endpoint serves, or null for none */
    static GatewayMetrics forConfig(GatewayConfig config, PrometheusMeterRegistry prometheus) {
        List<MeterRegistry> registries = new ArrayList<>();
        if (config.metricsInfluxUrl() != null) {
            InfluxMeterRegistry influx = new InfluxMeterRegistry(influx(config.metricsInfluxUrl(),
                    config.metricsDatabase(), config.metricsStep()), Clock.SYSTEM);
            // several gateways write the same measurements; the instance tag keeps their series apart (Prometheus
            // adds its own instance label per scrape target, so its registry does not get one)
            influx.config().commonTags("instance", config.mqttClientIdPrefix());
            registries.add(influx);
        }
        if (prometheus != null) {
            registries.add(prometheus);
        }
        if (registries.isEmpty()) {
            return new GatewayMetrics();
        }
        if (registries.size() == 1) {
            return new GatewayMetrics(registries.get(0));
        }
        return new GatewayMetrics(new CompositeMeterRegistry(Clock.SYSTEM, registries));
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
