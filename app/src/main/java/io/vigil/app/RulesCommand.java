package io.vigil.app;

import io.vigil.common.Topics;
import io.vigil.common.config.InvalidConfigFileException;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.common.serde.JsonSerde;
import io.vigil.job.rules.RuleSet;
import io.vigil.job.rules.RulesLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Validates a rules file, and hands a valid one to the running job over {@code vigil.control}. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Checks a rules file, or pushes it to the running job (replaced without a restart).",
        subcommands = {RulesCommand.Check.class, RulesCommand.Push.class})
final class RulesCommand {
    static final int INVALID = 1;
    static final int NOT_DELIVERED = 2;
    /** The control topic's key for rules documents: all on one partition, so the last one pushed wins. */
    static final String KEY = "rules";

    /** Loads the file the way the job does; on error prints file:line: field: problem and returns null. */
    static RuleSet validate(Path file, PrintWriter out, PrintWriter err) {
        try {
            RuleSet rules = RulesLoader.load(file);
            out.printf("%s: %d rules OK%n", file, rules.size());
            out.flush();
            return rules;
        } catch (InvalidConfigFileException e) {
            err.println(e.getMessage());
            err.flush();
            return null;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validates a rules file: exit 0 if valid, else 1 with the file, line and field at fault.")
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "The rules YAML file.") Path file;

        @Override
        public Integer call() {
            return validate(file, spec.commandLine().getOut(), spec.commandLine().getErr()) == null ? INVALID : 0;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Validates a rules file, then publishes it on vigil.control; the job applies it in place.")
    static final class Push implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "The rules YAML file.") Path file;
        @Option(names = "--kafka", defaultValue = "127.0.0.1:9092",
                description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).") String kafka;
        @Option(names = "--by", defaultValue = "${sys:user.name}",
                description = "Who changes the rules, for the audit trail (default: the login name).") String by;
        @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class,
                description = "How long to wait for Kafka's acknowledgement (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (validate(file, out, err) == null) {
                return INVALID;
            }
            String yaml = Files.readString(file, StandardCharsets.UTF_8);
            RulesUpdate update = new RulesUpdate(yaml, by, System.currentTimeMillis(),
                    "cli " + InetAddress.getLocalHost().getHostName());
            try (KafkaProducer<String, byte[]> producer = producer(kafka, timeout)) {
                RecordMetadata md = producer.send(new ProducerRecord<>(Topics.CONTROL, KEY,
                        JsonSerde.control().toBytes(ControlMessage.of(update)))).get(timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
                out.printf("pushed to %s-%d@%d by %s%n", md.topic(), md.partition(), md.offset(), by);
                out.flush();
                return 0;
            } catch (ExecutionException | TimeoutException e) {
                Throwable why = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                err.printf("%s: not delivered to Kafka %s: %s%n", file, kafka, why);
                err.flush();
                return NOT_DELIVERED;
            }
        }

        private static KafkaProducer<String, byte[]> producer(String bootstrap, Duration timeout) {
            int ms = Math.toIntExact(timeout.toMillis());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0); // one record: nothing to batch
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms);
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            return new KafkaProducer<>(p);
        }
    }
}
