package io.vigil.app;

import static io.vigil.stack.LocalStack.Server.KAFKA;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.Topics;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.serde.JsonSerde;
import io.vigil.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil rules check|push}: validation on files, delivery against a real Kafka. */
@Tag("servers")
class RulesCommandTest {
    static final String VALID = """
            rules:
              - id: river-level-high
                metric: water_level
                threshold:
                  above: 4.0
              - id: gas-high
                metric: co
                threshold:
                  above: 50
            """;
    static final String INVALID = """
            rules:
              - id: river-level-high
                metric: water_level
                threshold:
                  above: high
            """;

    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.onFreePorts(dir.resolve("stack"), KAFKA).start();
        stack.kafka.createTopics(1, Topics.CONTROL);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Vigil());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void checkAcceptsAValidFile() throws Exception {
        Path file = write("ok.yaml", VALID);
        Run r = run("rules", "check", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(file + ": 2 rules OK" + System.lineSeparator());
    }

    @Test
    void checkNamesFileLineAndFieldOfAnError() throws Exception {
        Path file = write("bad.yaml", INVALID);
        Run r = run("rules", "check", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(file + ":5: rules[0].threshold.above:");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void checkAcceptsTheShippedRules() {
        Run r = run("rules", "check", "../config/rules.yaml");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("rules OK");
    }

    @Test
    void pushPublishesAValidDocumentOnTheControlTopic() throws Exception {
        Path file = write("push.yaml", VALID);
        Run r = run("rules", "push", file.toString(), "--kafka", stack.kafka.bootstrapServers(), "--by", "Officer Li");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 rules OK").contains("pushed to " + Topics.CONTROL);

        List<ConsumerRecord<String, byte[]>> records = readControl();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo(RulesCommand.KEY);
        ControlMessage m = JsonSerde.control().fromBytes(records.get(0).value());
        assertThat(m.type()).isEqualTo(ControlMessage.Type.RULES);
        assertThat(m.rules().yaml()).isEqualTo(VALID);
        assertThat(m.rules().by()).isEqualTo("Officer Li");
        assertThat(m.rules().source()).startsWith("cli ");
        assertThat(m.rules().at()).isPositive();
    }

    @Test
    void pushRefusesAnInvalidDocumentWithoutPublishing() throws Exception {
        Path file = write("bad-push.yaml", INVALID);
        Run r = run("rules", "push", file.toString(), "--kafka", stack.kafka.bootstrapServers());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("rules[0].threshold.above");
        assertThat(readControl()).noneMatch(rec -> new String(rec.value()).contains("above: high"));
    }

    private static List<ConsumerRecord<String, byte[]>> readControl() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "rules-test-" + System.nanoTime()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.CONTROL));
            List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
            // everything pushed so far is acknowledged by the broker, so one drain to the end offset sees it
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                if (!consumer.assignment().isEmpty()) {
                    var end = consumer.endOffsets(consumer.assignment());
                    if (consumer.assignment().stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                        break;
                    }
                }
            }
            return all;
        }
    }
}
