package io.vigil.app;

import io.vigil.app.incidents.PostEventSummary;
import io.vigil.common.Alert;
import io.vigil.common.Phase;
import io.vigil.common.Topics;
import io.vigil.job.RetainedCheckpoints;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.rules.RulesLoader;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.stack.LocalStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The whole local pipeline on loopback: servers, gateway, job and a simulator scenario, with a rate line and every
 * alert on the console. Returns 0 when readings flowed and at least one alert arrived, so scripted runs
 * ({@code --for}) can check the demo works.
 */
final class Demo {
    /** Loopback ports of the demo; fixed by default so hand-run clients ({@code mosquitto_pub}) find them. */
    record Ports(int mqtt, int coaps, int influxHttp, int influxRpc, int kafka, int kafkaController, int flinkUi,
                 int ack, int alertmanager, int gatewayPrometheus, int jobPrometheus) {
        static Ports defaults() {
            return new Ports(1883, 5684, 8086, 8088, 9092, 9095, 8081, 8089, 9093, 9464, 9249);
        }

        Ports plus(int offset) {
            return new Ports(mqtt + offset, coaps + offset, influxHttp + offset, influxRpc + offset, kafka + offset,
                    kafkaController + offset, flinkUi + offset, ack + offset, alertmanager + offset,
                    gatewayPrometheus + offset, jobPrometheus + offset);
        }
    }

    /**
     * @param untilAlarm   stop as soon as the first ALARM arrives (smoke tests of an installation)
     * @param rfidScenario an RFID scenario (e.g. {@code crowd}) to play instead of the river-flood fleet; null: flood
     * @param siteFile     the RFID site file the gateway, the job and the simulated readers share
     */
    record Config(Path home, Path rulesFile, Ports ports, Duration runFor, boolean untilAlarm, int devices,
                  double ratePerSecond, Duration rateInterval, String rfidScenario, Path siteFile) {
        Config(Path home, Path rulesFile, Ports ports, Duration runFor, boolean untilAlarm, int devices,
               double ratePerSecond, Duration rateInterval) {
            this(home, rulesFile, ports, runFor, untilAlarm, devices, ratePerSecond, rateInterval, null, null);
        }

        boolean rfid() {
            return rfidScenario != null;
        }
    }

    private static final Pattern COUNT = Pattern.compile("\"values\":\\[\\[\"[^\"]*\",(\\d+)\\]\\]");

    private final Config config;
    private final PrintStream out;
    private final AtomicLong alerts = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    Demo(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    int run() throws Exception {
        Ports p = config.ports();
        Path home = config.home();
        out.println("vigil: data under " + home);
        Path checkpoints = scenarioCheckpoints(home, config.rfid() ? config.rfidScenario() : "river-flood");
        out.println(RetainedCheckpoints.latest(checkpoints).isPresent()
                ? "vigil: resuming this scenario's incidents and models from " + checkpoints
                : "vigil: this scenario starts with fresh incidents and models (" + checkpoints + ")");
        Site site = config.rfid() ? SiteLoader.load(config.siteFile()) : null;
        // an RFID scenario's trigger sensor (the evacuation's smoke detector) is a device like the readers
        DemoAccess access = DemoAccess.prepare(home, config.devices(), site,
                site == null ? null : RfidScenario.named(config.rfidScenario(), 42, site).trigger());
        try (LocalStack stack = LocalStack.on(home, new LocalStack.Ports(p.mqtt(), p.influxHttp(), p.influxRpc(),
                p.kafka(), p.kafkaController(), p.alertmanager()))) {
            stack.mosquitto.withAccess(access.passwordFile, access.aclFile);
            stack.stopOnJvmExit(false).start(); // our own hook below stops clients first, then the servers
            stack.kafka.createTopics(1, Topics.READINGS, Topics.DEADLETTER, Topics.ALERTS, Topics.CONTROL, Topics.AUDIT,
                    Topics.TAGREADS);
            stack.influx.createDatabase("vigil");
            // devices added with `vigil devices add` while the demo runs may log in over MQTT at once
            BrokerAccessSync accessSync = BrokerAccessSync.start(access, stack.mosquitto, out);
            // Ctrl-C: let run() stop children before servers, in order, instead of all dying at once.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                try {
                    finished.await(90, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-stop"));

            Path logs = home.resolve("logs");
            Supervisor children = new Supervisor(logs, out);
            Thread alertTail = new Thread(() -> tailAlerts(stack.kafka.bootstrapServers()), "alert-tail");
            alertTail.setDaemon(true);
            try {
                List<String> jobArgs = new ArrayList<>(List.of("job",
                        "--kafka", stack.kafka.bootstrapServers(), "--influx-url", stack.influx.url(),
                        "--metrics-influx-url", stack.influx.url(), "--alertmanager-url", stack.alertmanager.url(),
                        "--mqtt-url", stack.mosquitto.url(), "--mqtt-user", DemoAccess.JOB_USER,
                        "--mqtt-password-file", access.jobPasswordFile.toString(),
                        "--rules", config.rulesFile().toString(),
                        "--checkpoint-dir", checkpoints.toString(),
                        "--web-ui-port", String.valueOf(p.flinkUi()),
                        "--prometheus-port", String.valueOf(p.jobPrometheus())));
                List<String> gatewayArgs = new ArrayList<>(List.of("gateway",
                        "--mqtt-url", stack.mosquitto.url(), "--kafka", stack.kafka.bootstrapServers(),
                        "--registry", access.registryFile.toString(), "--mqtt-user", DemoAccess.GATEWAY_USER,
                        "--mqtt-password-file", access.gatewayPasswordFile.toString(),
                        "--coaps-port", String.valueOf(p.coaps()), "--ack-port", String.valueOf(p.ack()),
                        "--metrics-influx-url", stack.influx.url(),
                        "--prometheus-port", String.valueOf(p.gatewayPrometheus())));
                if (config.rfid()) {
                    // the demo's own key, made once per demo home: Vigil ships no key
                    Path key = PseudonymKeyFile.createIfMissing(home.resolve("rfid/pseudonym.key"));
                    jobArgs.addAll(List.of("--site", config.siteFile().toString()));
                    gatewayArgs.addAll(List.of("--site", config.siteFile().toString(),
                            "--pseudonym-key-file", key.toString()));
                }
                children.add(() -> ChildJvm.start("job", "1g", logs, out, "job: running", jobArgs));
                ChildJvm gateway = children.add(() -> ChildJvm.start("gateway", "512m", logs, out, "gateway: ",
                        gatewayArgs));
                // Devices start once the gateway serves, so the CoAP share is not refused at start-up.
                if (!gateway.awaitReady(Duration.ofMinutes(2))) {
                    throw new IllegalStateException("the gateway did not start; see " + logs.resolve("gateway.log"));
                }
                children.add(() -> config.rfid()
                        ? ChildJvm.start("simulator", "256m", logs, out, "rfid-sim: ", List.of("simulate",
                                "--mqtt-url", stack.mosquitto.url(), "--scenario", config.rfidScenario(),
                                "--site", config.siteFile().toString(), "--repeat",
                                "--credentials", access.credentialsFile.toString()))
                        : ChildJvm.start("simulator", "256m", logs, out, "sim: ", List.of("simulate",
                                "--mqtt-url", stack.mosquitto.url(), "--coap-uri", "coaps://127.0.0.1:" + p.coaps(),
                                "--credentials", access.credentialsFile.toString(),
                                "--devices", String.valueOf(config.devices()),
                                "--rate", String.valueOf(config.ratePerSecond()))));
                printWhereToLook(stack, access);
                alertTail.start();
                long readingsSeen = watch(stack, children);
                out.printf("vigil: stopping; %d %s and %d alerts this run%n", readingsSeen,
                        config.rfid() ? "tag reads" : "readings", alerts.get());
                return readingsSeen > 0 && alerts.get() > 0 ? 0 : 2;
            } finally {
                // Clients before servers: devices, then gateway (flushes to Kafka), then the job (checkpoint kept).
                children.close();
                accessSync.close();
                stopped.countDown();
                alertTail.join(5_000);
            }
        } finally {
            finished.countDown();
        }
    }

    /** Ends {@link #run} as Ctrl-C would, for a caller that runs the demo on another thread (tests). */
    void stop() {
        stopped.countDown();
    }

    /** Prints a rate line until the run time is over or the user stops the demo; returns readings seen. */
    private long watch(LocalStack stack, Supervisor children) throws Exception {
        Long endNanos = config.runFor() == null ? null : System.nanoTime() + config.runFor().toNanos();
        try (KafkaConsumer<String, String> offsets = consumer(stack.kafka.bootstrapServers())) {
            TopicPartition readings = new TopicPartition(config.rfid() ? Topics.TAGREADS : Topics.READINGS, 0);
            TopicPartition dead = new TopicPartition(Topics.DEADLETTER, 0);
            long startReadings = offsets.endOffsets(List.of(readings)).get(readings);
            long last = startReadings;
            long lastAt = System.nanoTime();
            while (endNanos == null || System.nanoTime() < endNanos) {
                long waitMs = config.rateInterval().toMillis();
                if (endNanos != null) {
                    waitMs = Math.min(waitMs, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000));
                }
                if (stopped.await(waitMs, TimeUnit.MILLISECONDS)) {
                    break;
                }
                String gaveUp = children.check();
                if (gaveUp != null) {
                    out.println("vigil: stopping: " + gaveUp);
                    break;
                }
                Map<TopicPartition, Long> ends = offsets.endOffsets(List.of(readings, dead));
                long now = System.nanoTime();
                double rate = (ends.get(readings) - last) * 1e9 / (now - lastAt);
                last = ends.get(readings);
                lastAt = now;
                if (config.rfid()) {
                    out.printf("vigil: %.1f tag reads/s into Kafka | %d this run | occupancy %s | %d rejected (total) "
                            + "| %d alerts%n", rate, last - startReadings, occupancy(stack), ends.get(dead), alerts.get());
                } else {
                    out.printf("vigil: %.1f readings/s into Kafka | %d readings this run | %s points in InfluxDB (5 min) "
                            + "| %d rejected (total) | %d alerts%n", rate, last - startReadings, influxCount(stack),
                            ends.get(dead), alerts.get());
                }
            }
            return last - startReadings;
        }
    }

    private static String influxCount(LocalStack stack) {
        try {
            Matcher m = COUNT.matcher(stack.influx.query("vigil",
                    "SELECT count(\"value\") FROM \"readings\" WHERE time > now() - 5m"));
            return m.find() ? m.group(1) : "0";
        } catch (Exception e) {
            return "?";
        }
    }

    /** The latest count of every zone with a capacity, e.g. {@code plaza 16/20}. */
    private static String occupancy(LocalStack stack) {
        try {
            com.fasterxml.jackson.databind.JsonNode series = io.vigil.common.serde.Json.mapper().readTree(
                    stack.influx.query("vigil", "SELECT last(\"count\"), last(\"capacity\") FROM \"occupancy\" "
                            + "GROUP BY \"zone\"")).path("results").path(0).path("series");
            List<String> zones = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode s : series) {
                com.fasterxml.jackson.databind.JsonNode row = s.path("values").path(0);
                if (row.path(2).asLong() > 0) {
                    zones.add(s.path("tags").path("zone").asText() + " " + row.path(1).asLong() + "/" + row.path(2).asLong());
                }
            }
            return zones.isEmpty() ? "-" : String.join(", ", zones);
        } catch (Exception e) {
            return "?";
        }
    }

    private void tailAlerts(String bootstrap) {
        JsonSerde<Alert> serde = JsonSerde.alerts();
        AlertLine lines = alertLines();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(Topics.ALERTS, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            while (stopped.getCount() > 0) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    alerts.incrementAndGet();
                    try {
                        Alert a = serde.fromBytes(r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        if (a.phase() == Phase.ALARM && config.untilAlarm()) {
                            stopped.countDown();
                        }
                        out.println(lines.format(a));
                        if (a.acknowledgedBy() != null) {
                            out.println("      acknowledged by " + a.acknowledgedBy()
                                    + (a.escalation() > 0 ? ", escalation level " + a.escalation() : ""));
                        } else if (a.phase() == Phase.ALARM) {
                            out.println("      acknowledge: " + ackHint(a.incidentId())
                                    + (a.escalation() > 0 ? "  (escalation level " + a.escalation() + ")" : ""));
                        }
                        if (a.phase() == Phase.CLOSED && a.report() != null) {
                            out.println(PostEventSummary.format(a.report(), "      "));
                        }
                    } catch (Exception e) {
                        out.println("ALERT (unreadable) " + r.value());
                    }
                }
            }
        } catch (Exception e) {
            if (stopped.getCount() > 0) {
                out.println("vigil: alert tail stopped: " + e.getMessage());
            }
        }
    }

    /** The job checked the rules file at start, so it loads here too; if not, lines just lack no-data silences. */
    private AlertLine alertLines() {
        try {
            return AlertLine.forRules(RulesLoader.load(config.rulesFile()));
        } catch (RuntimeException e) {
            return new AlertLine(rule -> null);
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private void printWhereToLook(LocalStack stack, DemoAccess access) {
        Ports p = config.ports();
        out.println("""
                vigil: the demo is starting; where to look:
                  Flink web UI      http://127.0.0.1:%d
                  InfluxDB          curl -G %s/query --data-urlencode db=vigil --data-urlencode "q=SELECT * FROM readings ORDER BY time DESC LIMIT 5"
                  alerts (MQTT)     mosquitto_sub -p %d -u %s -P '%s' -t 'vigil/alerts/#' -v
                  Alertmanager      %s  (curl %s/api/v2/alerts)
                  Prometheus        http://127.0.0.1:%d/metrics (gateway)  http://127.0.0.1:%d/metrics (job)
                  incidents         bin/vigil incidents list --open;  bin/vigil incidents show ID
                  send a reading    mosquitto_pub -p %d -u %s -P '%s' -t vigil/readings/%s -m '{"metric":"water_level","value":4.5,"unit":"m"}'
                                    echo '{"metric":"water_level","value":4.5,"unit":"m"}' | coap-client-openssl -m post -t 50 -u %s -k '%s' -f - coaps://127.0.0.1:%d/readings/%s
                  Grafana           datasources: dashboards/provisioning/datasources/vigil.yaml (InfluxDB %s, database vigil)
                                    dashboards: copy dashboards/grafana/*.json per dashboards/README.md (or Import each in the UI)
                  acknowledge       %s
                                    mosquitto_pub -p %d -u %s -P '%s' -q 1 -t 'vigil/ack/ID' -m '{"by":"duty officer"}'
                  devices           bin/vigil devices list --registry %s  (secrets of the demo's devices: %s)
                  logs              %s
                Ctrl-C stops everything it started.""".formatted(p.flinkUi(), stack.influx.url(), p.mqtt(),
                DemoAccess.OFFICER_USER, access.officerPassword, stack.alertmanager.url(), stack.alertmanager.url(),
                p.gatewayPrometheus(), p.jobPrometheus(),
                p.mqtt(), DemoAccess.HAND_DEVICE, access.handDevice.mqttPassword(), DemoAccess.HAND_DEVICE,
                DemoAccess.HAND_DEVICE, access.handDevice.pskKey(), p.coaps(), DemoAccess.HAND_DEVICE,
                stack.influx.url(), ackHint("ID"), p.mqtt(), DemoAccess.OFFICER_USER, access.officerPassword,
                access.registryFile, access.credentialsFile, config.home().resolve("logs")));
    }

    /** The incident id goes into a URL path: ids hold ':' and device ids may hold more, so it is percent-encoded. */
    private String ackHint(String incidentId) {
        String id = java.net.URLEncoder.encode(incidentId, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        return "curl -X POST http://127.0.0.1:%d/incidents/%s/ack -d '{\"by\":\"duty officer\"}'"
                .formatted(config.ports().ack(), id);
    }

    /**
     * Each scenario keeps its own job state under the demo home: restoring the flood's checkpoint into a crowd run
     * re-notified the flood's open ALARM every escalation interval and showed gauges going offline that the crowd run
     * never started. A scenario run again resumes where it stopped.
     */
    static Path scenarioCheckpoints(Path home, String scenario) throws java.io.IOException {
        Path dir = home.resolve("flink").resolve("checkpoints").resolve(scenario);
        java.nio.file.Files.createDirectories(dir);
        return dir;
    }
}
