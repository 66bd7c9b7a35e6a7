package io.vigil.app;

import io.vigil.app.deadletters.DeadLetterFeed;
import io.vigil.app.deadletters.DeadLetterFeed.Entry;
import io.vigil.common.DeadLetter;
import io.vigil.common.RejectReason;
import io.vigil.common.Topics;
import io.vigil.app.deadletters.SafeText;
import io.vigil.common.incident.HumanDurations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What the gateway refused and why, read back from the dead-letter topic, so a sender can see it without Kafka tools. */
@Command(name = "deadletters", mixinStandardHelpOptions = true,
        description = {"Shows the latest payloads the gateway refused (Kafka topic vigil.deadletter): time, device, "
                + "reason, where it came from, why, and the payload (as text when printable, else as hex).",
                "Reason codes: see docs/formats.md."})
final class DeadLettersCommand implements Callable<Integer> {
    static final int KAFKA_UNREACHABLE = 3;
    private static final int SHOWN_CHARS = 240;

    @Spec CommandSpec spec;
    @Option(names = "--kafka", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).") String kafka;
    @Option(names = "--topic", defaultValue = Topics.DEADLETTER,
            description = "Dead-letter topic (default ${DEFAULT-VALUE}).") String topic;
    @Option(names = "--device", description = "Only this device's dead letters.") String device;
    @Option(names = "--reason", paramLabel = "REASON",
            description = "Only this reason code, e.g. INVALID_TIME, MALFORMED (one of: ${COMPLETION-CANDIDATES}).")
    RejectReason reason;
    @Option(names = "--limit", defaultValue = "20",
            description = "How many of the latest to show (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--since", defaultValue = "24h", converter = DurationConverter.class,
            description = "How far back to look (default ${DEFAULT-VALUE}).") Duration since;
    @Option(names = {"-f", "--follow"}, description = "Keep running and show new dead letters as they come (Ctrl-C stops).")
    boolean follow;
    @Option(names = "--full", description = "Show whole payloads and details, not the first "
            + SHOWN_CHARS + " characters.") boolean full;
    @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long to wait for Kafka to answer (default ${DEFAULT-VALUE}).") Duration timeout;

    /** Until when {@code --follow} runs: always from the command line; tests stop it. */
    BooleanSupplier following = () -> true;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 0) {
            err.println("--limit must be 0 or more");
            err.flush();
            return 2;
        }
        Predicate<Entry> which = e -> (device == null || device.equals(deviceOf(e)))
                && (reason == null || e.letter() != null && e.letter().reason() == reason);
        try (DeadLetterFeed feed = new DeadLetterFeed(kafka, topic, timeout)) {
            List<Entry> latest = feed.latest(System.currentTimeMillis() - since.toMillis(), limit, which);
            latest.forEach(e -> print(out, e));
            String filter = (device == null ? "" : " of " + device) + (reason == null ? "" : " " + reason);
            out.printf("%d dead letter(s)%s in the last %s on %s%s%n", latest.size(), filter,
                    HumanDurations.format(since.toMillis()), topic, latest.size() == limit ? " (--limit " + limit + ")" : "");
            out.flush();
            if (follow) {
                out.println("following; Ctrl-C stops");
                out.flush();
                feed.follow(which, e -> print(out, e), following);
            }
            return 0;
        } catch (TimeoutException e) {
            err.printf("Kafka %s did not answer within %s: %s%n", kafka, HumanDurations.format(timeout.toMillis()),
                    e.getMessage());
            err.flush();
            return KAFKA_UNREACHABLE;
        }
    }

    private static String deviceOf(Entry e) {
        return e.letter() != null && e.letter().deviceId() != null ? e.letter().deviceId() : e.key();
    }

    private void print(PrintWriter out, Entry e) {
        int max = full ? Integer.MAX_VALUE : SHOWN_CHARS;
        DeadLetter d = e.letter();
        if (d == null) {
            out.printf("%s  %s  (record %d@%d: %s)%n", Instant.ofEpochMilli(e.timestamp()), SafeText.escaped(e.key()),
                    e.partition(), e.offset(), SafeText.escaped(e.unreadable()));
        } else {
            out.printf("%s  %s  %s  %s %s%n", Instant.ofEpochMilli(d.receivedAt()),
                    SafeText.escaped(d.deviceId() == null ? "(unknown device)" : d.deviceId()), d.reason(),
                    d.protocol(), SafeText.escaped(d.source()));
            String detail = SafeText.escaped(d.detail());
            out.printf("    why      %s%n", detail.length() > max ? detail.substring(0, max) + "…" : detail);
            out.printf("    payload  %s%s%n", SafeText.payload(d.payload(), max),
                    d.contentType() == null ? "" : "  (content format " + SafeText.escaped(d.contentType()) + ")");
        }
        out.flush();
    }
}
