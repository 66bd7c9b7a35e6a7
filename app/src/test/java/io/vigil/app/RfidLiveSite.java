package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.INFLUX;
import static io.vigil.stack.LocalStack.Server.KAFKA;
import static io.vigil.stack.LocalStack.Server.MQTT;
import static org.awaitility.Awaitility.await;

import io.vigil.common.Alert;
import io.vigil.common.Topics;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.SiteLoader;
import io.vigil.common.rfid.TagPseudonyms;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.GatewayApplication;
import io.vigil.gateway.GatewayConfig;
import io.vigil.gateway.rfid.RfidGatewayConfig;
import io.vigil.job.JobApplication;
import io.vigil.job.JobHandle;
import io.vigil.job.JobOptions;
import io.vigil.sim.rfid.RfidScenario;
import io.vigil.sim.rfid.RfidSimConfig;
import io.vigil.sim.rfid.RfidSimulator;
import io.vigil.stack.LocalStack;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The whole RFID path on real servers, shared by the RFID end-to-end tests: Mosquitto, Kafka and InfluxDB, the
 * job with {@code config/rules.yaml} and {@code config/site.yaml} (except that the lab's {@code max_dwell} is
 * {@link #LAB_MAX_DWELL}, so a dwell plays in seconds instead of 10 minutes), the gateway with a fresh pseudonym key, and a
 * consumer of {@code vigil.alerts} (read_committed, as duty officers' tools read it).
 *
 * <p>Starting all that costs far more than a scenario, so scenarios share it, each in its own slot of event time:
 * slots follow one another with {@link #SLOT_GAP} between them, long enough for every tag of the previous scenario
 * to depart, and short enough that no asset is missed in between. Slots begin {@link #EVENT_TIME_BUDGET} in the
 * past, so no read is ever ahead of the gateway's clock.
 */
final class RfidLiveSite implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final Path SITE_FILE = Path.of("..", "config", "site.yaml").toAbsolutePath().normalize();
    static final Duration LAB_MAX_DWELL = Duration.ofSeconds(30);
    static final Path RULES_FILE = Path.of("..", "config", "rules.yaml").toAbsolutePath().normalize();
    private static final Duration SLOT_GAP = Duration.ofSeconds(40);
    private static final Duration EVENT_TIME_BUDGET = Duration.ofMinutes(30);

    final LocalStack stack;
    final Site site;
    private final Path siteFile;
    final TagPseudonyms pseudonyms;
    private final JobHandle job;
    private final GatewayApplication gateway;
    private final KafkaConsumer<byte[], byte[]> alertConsumer;
    private final List<Alert> alerts = new ArrayList<>();
    private long nextSlotMs = System.currentTimeMillis() - EVENT_TIME_BUDGET.toMillis();

    /** One scenario as played: its truth, and where its slot lies in event time. */
    record Played(RfidScenario scenario, long startMs, RfidSimulator.Summary sent) {
        long endMs() {
            return startMs + scenario.length().toMillis();
        }

        /** The alerts raised within this scenario's slot (up to the next slot). */
        List<Alert> within(List<Alert> alerts) {
            return alerts.stream().filter(a -> a.eventTime() >= startMs && a.eventTime() < endMs() + SLOT_GAP.toMillis())
                    .toList();
        }
    }

    private RfidLiveSite(LocalStack stack, JobHandle job, GatewayApplication gateway, TagPseudonyms pseudonyms,
                         Path siteFile) {
        this.stack = stack;
        this.siteFile = siteFile;
        this.site = SiteLoader.load(siteFile);
        this.job = job;
        this.gateway = gateway;
        this.pseudonyms = pseudonyms;
        this.alertConsumer = consumer(stack, "read_committed");
        TopicPartition alertsPartition = new TopicPartition(Topics.ALERTS, 0);
        alertConsumer.assign(List.of(alertsPartition));
        alertConsumer.seekToBeginning(List.of(alertsPartition));
    }

    static RfidLiveSite start(Path dir) throws Exception {
        LocalStack stack = LocalStack.onFreePorts(dir.resolve("servers"), MQTT, INFLUX, KAFKA).start();
        JobHandle job = null;
        try {
            Path siteFile = withShortLabDwell(dir);
            stack.kafka.createTopics(1, Topics.READINGS, Topics.TAGREADS, Topics.DEADLETTER, Topics.ALERTS);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            job = JobApplication.start(LiveJob.quickInflux(stack, dir, Duration.ofSeconds(1))
                    .with(JobOptions.CONSUMER_GROUP, "rfid-e2e")
                    .with(JobOptions.RULES, RULES_FILE)
                    .with(JobOptions.SITE, siteFile));
            GatewayApplication gateway = GatewayApplication.start(GatewayConfig.defaults()
                    .withMqttUrl(stack.mosquitto.url()).withKafkaBootstrap(stack.kafka.bootstrapServers())
                    .withCoap("127.0.0.1", 0).withAckPort(0), RfidGatewayConfig.of(siteFile, key));
            job.awaitRunning(PATIENCE);
            return new RfidLiveSite(stack, job, gateway, new TagPseudonyms(key), siteFile);
        } catch (Exception | Error e) {
            if (job != null) {
                job.close();
            }
            stack.close();
            throw e;
        }
    }

    /** The example site with only the lab's maximum dwell shortened: one site file to keep up to date, not two. */
    private static Path withShortLabDwell(Path dir) throws IOException {
        String example = Files.readString(SITE_FILE);
        String realistic = "{id: lab, hazardous: true, max_dwell: 10m}";
        if (!example.contains(realistic)) {
            throw new IllegalStateException(SITE_FILE + " no longer has " + realistic + ": update this fixture");
        }
        Path file = dir.resolve("site-short-dwell.yaml");
        Files.writeString(file, example.replace(realistic,
                "{id: lab, hazardous: true, max_dwell: " + LAB_MAX_DWELL.toSeconds() + "s}"));
        return file;
    }

    /** Plays {@code scenario} (seed 42, simulator defaults: plaza gate in Zebra's format) in the next slot. */
    Played play(String scenario, double timeScale) throws Exception {
        long start = nextSlotMs;
        RfidSimulator sim = new RfidSimulator(RfidSimConfig.defaults().withMqttUrl(stack.mosquitto.url())
                .withSiteFile(siteFile).withScenario(scenario).withTimeScale(timeScale).withStartMs(start));
        RfidSimulator.Summary sent = sim.run(new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8));
        nextSlotMs = start + sim.scenario().length().toMillis() + SLOT_GAP.toMillis();
        return new Played(sim.scenario(), start, sent);
    }

    /**
     * Every alert committed to {@code vigil.alerts} so far, once {@code enough} holds for them (else the wait fails
     * after {@link #PATIENCE}).
     */
    List<Alert> alertsOnceThey(Predicate<List<Alert>> enough) {
        await().atMost(PATIENCE).until(() -> {
            for (ConsumerRecord<byte[], byte[]> r : alertConsumer.poll(Duration.ofMillis(500))) {
                alerts.add(JsonSerde.alerts().fromBytes(r.value()));
            }
            return enough.test(List.copyOf(alerts));
        });
        return List.copyOf(alerts);
    }

    /** Every record on {@code topics}, committed or not, keys and values as text. */
    String allRecords(String... topics) {
        StringBuilder all = new StringBuilder();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(stack, "read_uncommitted")) {
            List<TopicPartition> parts = Arrays.stream(topics).map(t -> new TopicPartition(t, 0)).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            var ends = consumer.endOffsets(parts);
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    all.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
                    if (r.key() != null) {
                        all.append(new String(r.key(), StandardCharsets.UTF_8)).append('\n');
                    }
                }
                return parts.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return all.toString();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(LocalStack stack, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() throws Exception {
        try (LocalStack s = stack; JobHandle j = job; GatewayApplication g = gateway;
             KafkaConsumer<byte[], byte[]> c = alertConsumer) {
            // closed in reverse: consumer, gateway, job, servers
        }
    }
}
