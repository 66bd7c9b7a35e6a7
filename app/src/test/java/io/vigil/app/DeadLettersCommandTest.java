package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.DeadLetter;
import io.vigil.common.Protocol;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.common.serde.JsonSerde;
import io.vigil.stack.FreePorts;
import io.vigil.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil deadletters} against a real Kafka holding dead letters as the gateway writes them. */
@Tag("servers")
class DeadLettersCommandTest {
    static final String OLD_JSON = "{\"metric\":\"water_level\",\"value\":4.5,\"time\":1764300000000}";
    static final byte[] BINARY = {0x1b, '[', '2', 'J', 0x00, (byte) 0xff, (byte) 0xa1};

    @TempDir
    static Path dir;
    static LocalStack stack;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir, KAFKA).start();
        stack.kafka.createTopics(2, Topics.DEADLETTER); // two partitions: the command merges them by time
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        long now = System.currentTimeMillis();
        send(new DeadLetter(Protocol.MQTT, "vigil/readings/gauge-1", "gauge-1", RejectReason.INVALID_TIME,
                "time 1764300000000 is more than 7 days before receipt", null, OLD_JSON.getBytes(StandardCharsets.UTF_8),
                now - 3000));
        send(new DeadLetter(Protocol.COAP, "readings/gauge-2", "gauge-2", RejectReason.MALFORMED,
                "not JSON: unexpected character \u001b", "application/json", BINARY, now - 2000));
        send(new DeadLetter(Protocol.MQTT, "vigil/readings/gauge-1", "gauge-1", RejectReason.RATE_LIMITED,
                "over 50 payloads/s", null, new byte[0], now - 1000));
    }

    static void send(DeadLetter letter) throws Exception {
        send(Topics.DEADLETTER, letter);
    }

    static void send(String topic, DeadLetter letter) throws Exception {
        producer.send(new ProducerRecord<>(topic, letter.deviceId(), JsonSerde.deadLetters().toBytes(letter)))
                .get();
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    record Run(int exit, String out, String err) {}

    private static Run vigil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = cli.execute(with(args, "--kafka=" + stack.kafka.bootstrapServers()));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] with(String[] args, String extra) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = extra;
        return all;
    }

    @Test
    void showsTheLatestWithDeviceReasonTimeAndThePayloadAsTextOrHex() {
        Run run = vigil("deadletters");

        assertThat(run.exit()).isZero();
        List<String> heads = run.out().lines().filter(l -> l.startsWith("20")).toList();
        assertThat(heads).hasSize(3);
        assertThat(heads.get(0)).contains("gauge-1  INVALID_TIME  MQTT vigil/readings/gauge-1");
        assertThat(heads.get(1)).contains("gauge-2  MALFORMED  COAP readings/gauge-2");
        assertThat(heads.get(2)).contains("gauge-1  RATE_LIMITED");
        assertThat(run.out())
                .contains("payload  text, " + OLD_JSON.length() + " bytes: " + OLD_JSON)
                .contains("payload  binary, 7 bytes: 1b 5b 32 4a 00 ff a1  (content format application/json)")
                .contains("why      not JSON: unexpected character \\u001b")
                .contains("payload  not kept")
                .contains("3 dead letter(s) in the last 1d on vigil.deadletter")
                .doesNotContain("\u001b");
    }

    @Test
    void deviceReasonAndLimitNarrowTheList() {
        Run device = vigil("deadletters", "--device", "gauge-2");
        assertThat(device.out()).contains("MALFORMED").doesNotContain("INVALID_TIME", "RATE_LIMITED")
                .contains("1 dead letter(s) of gauge-2");

        Run reason = vigil("deadletters", "--reason", "INVALID_TIME");
        assertThat(reason.out()).contains("INVALID_TIME").doesNotContain("MALFORMED", "RATE_LIMITED");

        Run latest = vigil("deadletters", "--limit", "1");
        assertThat(latest.out().lines().filter(l -> l.startsWith("20"))).singleElement().asString()
                .contains("RATE_LIMITED");
    }

    @Test
    void followShowsNewDeadLettersAsTheyCome() throws Exception {
        String topic = "vigil.deadletter.follow"; // its own topic: the other tests count what is on theirs
        stack.kafka.createTopics(1, topic);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Vigil()).setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()));
        DeadLettersCommand command = cli.getSubcommands().get("deadletters").getCommand();
        AtomicBoolean running = new AtomicBoolean(true);
        command.following = running::get;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("deadletters", "--follow",
                "--device", "gauge-9", "--topic", topic, "--kafka=" + stack.kafka.bootstrapServers()));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("following"));
            send(topic, new DeadLetter(Protocol.MQTT, "vigil/readings/gauge-8", "gauge-8", RejectReason.EMPTY, "empty payload",
                    null, new byte[0], System.currentTimeMillis()));
            send(topic, new DeadLetter(Protocol.MQTT, "vigil/readings/gauge-9", "gauge-9", RejectReason.UNKNOWN_DEVICE,
                    "gauge-9 is not in the registry", null, "{\"value\":1}".getBytes(StandardCharsets.UTF_8),
                    System.currentTimeMillis()));
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("UNKNOWN_DEVICE"));
            assertThat(out.toString()).contains("text, 11 bytes: {\"value\":1}").doesNotContain("gauge-8");
        } finally {
            running.set(false);
        }
        assertThat(exit.get()).isZero();
    }

    @Test
    void anUnreachableKafkaIsSaidInOneLine() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Vigil()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .execute("deadletters", "--kafka=127.0.0.1:" + FreePorts.tcp(), "--timeout", "2s");
        assertThat(exit).isEqualTo(DeadLettersCommand.KAFKA_UNREACHABLE);
        assertThat(err.toString()).startsWith("Kafka 127.0.0.1:").contains("did not answer within 2s");
    }

    @Test
    void helpNamesEveryOption() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Vigil()).setOut(new PrintWriter(out)).execute("deadletters", "--help");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("--follow", "--device", "--reason", "--limit", "--kafka", "--since",
                "INVALID_TIME");
    }
}
