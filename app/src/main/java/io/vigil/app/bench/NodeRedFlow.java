package io.vigil.app.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.Topics;
import io.vigil.sim.RiverFloodScenario;

/**
 * The Node-RED flow the peer bench runs, wired as a Node-RED user would: mqtt-in on the readings topics (QoS 1,
 * parsed JSON) → a function node applying Vigil's {@code river-level-high} threshold (water_level above 4.0 m,
 * config/rules.yaml) → influxdb-out for every reading, and a second influxdb-out for each reading over the limit.
 * Points carry the reading's own time, so two readings of a device never overwrite each other.
 */
public final class NodeRedFlow {
    public static final String READINGS_MEASUREMENT = RiverFloodScenario.METRIC;
    public static final String ALERTS_MEASUREMENT = "threshold_alerts";
    public static final double LIMIT = RiverFloodScenario.ALARM_LIMIT;

    /** How readings reach InfluxDB. */
    public enum Variant {
        /** One write per reading: the influxdb-out node as dropped onto the canvas. */
        PER_MESSAGE,
        /** A join node gathers readings into batches (1000 or 1 s) for an influxdb-batch node. */
        BATCHED
    }

    static final int BATCH_SIZE = 1000;
    static final String BATCH_TIMEOUT_SECONDS = "1";

    private static final String THRESHOLD = String.join("\n",
            "// river-level-high (config/rules.yaml): water_level above " + LIMIT + " m is an alarm",
            "const r = msg.payload;",
            "const device = msg.topic.split('/').pop();",
            "const time = new Date(r.time);",
            "const tags = { device: device, zone: r.zone, site: r.site };",
            "%s",
            "let alert = null;",
            "if (r.metric === '" + RiverFloodScenario.METRIC + "' && r.value > " + LIMIT + ") {",
            "    alert = { payload: [{ value: r.value, limit: " + LIMIT + ", time: time },"
                    + " { device: device, zone: r.zone, rule: 'river-level-high' }] };",
            "}",
            "return [reading, alert];");
    private static final String ONE_POINT =
            "const reading = { measurement: r.metric, payload: [{ value: r.value, time: time }, tags] };";
    private static final String BATCH_POINT =
            "const reading = { payload: { measurement: r.metric, fields: { value: r.value }, tags: tags, timestamp: time } };";

    private NodeRedFlow() {}

    /** The flows file: the flow wired to the broker on {@code mqttPort} and InfluxDB on {@code influxPort}. */
    public static ArrayNode flows(Variant variant, int mqttPort, int influxPort, String database) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode flows = f.arrayNode();
        flows.addObject().put("id", "bench").put("type", "tab").put("label", "Vigil peer bench");
        flows.addObject().put("id", "broker").put("type", "mqtt-broker").put("name", "mosquitto")
                .put("broker", "127.0.0.1").put("port", Integer.toString(mqttPort)).put("clientid", "")
                .put("autoConnect", true).put("usetls", false).put("protocolVersion", "4").put("keepalive", "60")
                .put("cleansession", true).put("autoUnsubscribe", true);
        flows.addObject().put("id", "influx").put("type", "influxdb").put("name", database)
                .put("hostname", "127.0.0.1").put("port", Integer.toString(influxPort)).put("protocol", "http")
                .put("database", database).put("usetls", false).put("tls", "").put("influxdbVersion", "1.x");

        ObjectNode in = node(flows, "readings", "mqtt in").put("topic", Topics.MQTT_READINGS_PREFIX + "+")
                .put("qos", "1").put("datatype", "json").put("broker", "broker").put("nl", false).put("rap", true)
                .put("rh", 0).put("inputs", 0);
        wire(in, "threshold");
        ObjectNode threshold = node(flows, "threshold", "function").put("name", "river-level-high")
                .put("func", String.format(THRESHOLD, variant == Variant.BATCHED ? BATCH_POINT : ONE_POINT))
                .put("outputs", 2).put("timeout", 0).put("noerr", 0).put("initialize", "").put("finalize", "");
        threshold.putArray("libs");
        ArrayNode outs = threshold.putArray("wires");
        outs.addArray().add(variant == Variant.BATCHED ? "batch" : "store-readings");
        outs.addArray().add("store-alerts");

        if (variant == Variant.BATCHED) {
            ObjectNode join = node(flows, "batch", "join").put("mode", "custom").put("build", "array")
                    .put("property", "payload").put("propertyType", "msg").put("key", "topic").put("joiner", "\\n")
                    .put("joinerType", "str").put("accumulate", false).put("timeout", BATCH_TIMEOUT_SECONDS)
                    .put("count", Integer.toString(BATCH_SIZE)).put("reduceRight", false);
            wire(join, "store-readings");
            influxOut(flows, "store-readings", "influxdb batch", null);
        } else {
            influxOut(flows, "store-readings", "influxdb out", READINGS_MEASUREMENT);
        }
        influxOut(flows, "store-alerts", "influxdb out", ALERTS_MEASUREMENT);
        return flows;
    }

    private static void influxOut(ArrayNode flows, String id, String type, String measurement) {
        ObjectNode out = node(flows, id, type).put("influxdb", "influx").put("precision", "ms")
                .put("retentionPolicy", "");
        if (measurement != null) {
            out.put("measurement", measurement);
        }
        out.putArray("wires");
    }

    // Node-RED tells flow nodes from config nodes by their position on the canvas
    private static ObjectNode node(ArrayNode flows, String id, String type) {
        int column = flows.size();
        return flows.addObject().put("id", id).put("type", type).put("z", "bench").put("name", id)
                .put("x", 150 * column).put("y", 100);
    }

    private static void wire(ObjectNode from, String to) {
        from.putArray("wires").addArray().add(to);
    }
}
