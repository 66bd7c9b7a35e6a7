package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.app.deadletters.DeadLetterFeed;
import io.vigil.common.Topics;
import io.vigil.stack.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell lines of the README, docs/formats.md and docs/rfid.md, pasted as a user would while the demo runs: with
 * the secrets the demo prints in place of their placeholders and the test's ports in place of the default ones.
 * Every {@code mosquitto_pub}, {@code mosquitto_sub}, {@code curl} and {@code echo ... | coap-client-openssl} line
 * found is run; one this test does not know how to judge fails it, so a new snippet cannot go unchecked.
 */
@Tag("servers")
class ReadmeSnippetsTest {
    private static final List<Path> DOCS = List.of(Path.of("..", "README.md"), Path.of("..", "docs", "formats.md"),
            Path.of("..", "docs", "rfid.md"));
    private static final Pattern INDENTED = Pattern.compile("(?m)^    ((?:mosquitto_pub|mosquitto_sub|curl|echo) .+)$");
    private static final Pattern INLINE = Pattern.compile("`((?:mosquitto_pub|mosquitto_sub|curl|echo) [^`]+)`");
    /** A reading shown as a payload on its own (README's "Plain JSON reading"): a user publishes it as it is. */
    private static final Pattern PAYLOAD = Pattern.compile("(?m)^    (\\{\"metric\".*})$");

    @TempDir
    Path home;

    record Shell(int exit, String out) {}

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyShellLineOfTheDocsWorksAgainstTheDemo() throws Exception {
        Demo.Ports ports = new Demo.Ports(FreePorts.tcp(), FreePorts.udp(), FreePorts.tcp(), FreePorts.tcp(),
                FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(),
                FreePorts.tcp());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        Path rules = Path.of("..", "config", "rules.yaml").toAbsolutePath().normalize();
        Demo demo = new Demo(new Demo.Config(home, rules, ports, null, false, 6, 12, Duration.ofSeconds(2)), out);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return demo.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            // the alert subscription needs an alert to exist (they are retained): wait for the first one
            await().atMost(Duration.ofMinutes(4)).until(() -> run.isDone()
                    || text(console).contains("[job] job: running") && text(console).contains("ALERT "));
            assertThat(run.isDone()).as(text(console)).isFalse();
            String text = text(console);
            String password = group(text, "-u my-gauge -P '([^']+)' -t vigil/readings/my-gauge");
            String psk = group(text, "-u my-gauge -k '([^']+)'");
            String officer = group(text, "-u duty-officer -P '([^']+)' -t 'vigil/alerts/#'");

            List<String> snippets = snippets();
            assertThat(snippets).as("shell lines in the docs").hasSizeGreaterThanOrEqualTo(5);
            List<String> readings = new ArrayList<>();
            List<String> later = new ArrayList<>();
            for (String snippet : snippets) {
                String line = snippet.replace("'PASSWORD'", "'" + password + "'").replace("'PSK-KEY'", "'" + psk + "'")
                        .replace("'OFFICER-PASSWORD'", "'" + officer + "'")
                        .replace("-p 1883 ", "-p " + ports.mqtt() + " ")
                        .replace("127.0.0.1:5684", "127.0.0.1:" + ports.coaps())
                        .replace("127.0.0.1:8086", "127.0.0.1:" + ports.influxHttp())
                        .replace("127.0.0.1:9093", "127.0.0.1:" + ports.alertmanager());
                if (line.startsWith("mosquitto_pub ") || line.contains("| coap-client-openssl ")) {
                    Shell r = sh(line, 30);
                    assertThat(r.exit()).as(snippet + "\n" + r.out()).isZero();
                    assertThat(r.out()).as(snippet).doesNotContainPattern("[45]\\.\\d\\d");
                    readings.add(snippet);
                } else {
                    later.add(line);
                }
            }
            for (String payload : payloads()) {
                Shell r = sh("mosquitto_pub -p " + ports.mqtt() + " -u my-gauge -P '" + password
                        + "' -t vigil/readings/my-gauge -m '" + payload + "'", 30);
                assertThat(r.exit()).as(payload + "\n" + r.out()).isZero();
                readings.add(payload);
            }
            // the payloads the docs show are accepted as they are: in InfluxDB, and not one dead letter
            assertThat(readings).as("lines that send readings").hasSizeGreaterThanOrEqualTo(3);
            try (DeadLetterFeed feed = new DeadLetterFeed("127.0.0.1:" + ports.kafka(), Topics.DEADLETTER,
                    Duration.ofSeconds(15))) {
                Predicate<DeadLetterFeed.Entry> mine = e -> "my-gauge".equals(e.key());
                await("the docs' readings in InfluxDB, or a dead letter of one").atMost(Duration.ofSeconds(60))
                        .until(() -> handReadings(ports) >= readings.size() || !feed.latest(0, 100, mine).isEmpty());
                assertThat(feed.latest(0, 100, mine)).as("dead letters of the docs' readings")
                        .extracting(e -> e.letter().reason() + ": " + e.letter().detail()).isEmpty();
                assertThat(handReadings(ports)).as("the docs' readings in InfluxDB").isGreaterThanOrEqualTo(readings.size());
            }

            for (String line : later) {
                if (line.startsWith("mosquitto_sub ") && line.contains("vigil/alerts/")) {
                    Shell r = sh(line + " -C 1 -W 30", 40);
                    assertThat(r.exit()).as(line + "\n" + r.out()).isZero();
                    assertThat(r.out()).startsWith("vigil/alerts/").contains("\"incidentId\"");
                } else if (line.startsWith("mosquitto_sub ") && line.contains("vigil/rejections/")) {
                    // notices are not retained: subscribe, then send something the gateway refuses
                    CompletableFuture<Shell> sub = CompletableFuture.supplyAsync(() -> sh(line + " -C 1 -W 30", 40));
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                        sh("mosquitto_pub -p " + ports.mqtt() + " -u my-gauge -P '" + password
                                + "' -t vigil/readings/my-gauge -m '{\"metric\":\"water_level\",\"value\":'", 10);
                        return sub.isDone();
                    });
                    Shell r = sub.get();
                    assertThat(r.exit()).as(line + "\n" + r.out()).isZero();
                    assertThat(r.out()).startsWith("vigil/rejections/my-gauge ").contains("\"reason\":\"MALFORMED\"");
                } else if (line.startsWith("curl ")) {
                    Shell r = sh(line, 30);
                    assertThat(r.exit()).as(line + "\n" + r.out()).isZero();
                    assertThat(r.out()).as(line).doesNotContain("\"error\"");
                } else {
                    throw new AssertionError("no rule here for judging this snippet; add one: " + line);
                }
            }
        } finally {
            demo.stop();
            run.get(2, TimeUnit.MINUTES);
        }
    }

    private static String text(ByteArrayOutputStream console) {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("the demo prints a line matching " + regex).isTrue();
        return m.group(1);
    }

    static List<String> snippets() throws IOException {
        Set<String> found = new LinkedHashSet<>();
        for (Path doc : DOCS) {
            String text = Files.readString(doc);
            for (Pattern p : List.of(INDENTED, INLINE)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    found.add(m.group(1).strip());
                }
            }
        }
        return List.copyOf(found);
    }

    static List<String> payloads() throws IOException {
        List<String> found = new ArrayList<>();
        Matcher m = PAYLOAD.matcher(Files.readString(DOCS.get(0)));
        while (m.find()) {
            found.add(m.group(1));
        }
        assertThat(found).as("the README's plain JSON reading").isNotEmpty();
        return found;
    }

    private static long handReadings(Demo.Ports ports) {
        Shell r = sh("curl -s -G http://127.0.0.1:" + ports.influxHttp() + "/query --data-urlencode db=vigil"
                + " --data-urlencode \"q=SELECT count(\\\"value\\\") FROM readings WHERE device = 'my-gauge'\"", 15);
        Matcher m = Pattern.compile("\"values\":\\[\\[\"[^\"]*\",(\\d+)\\]\\]").matcher(r.out());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Shell sh(String line, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Shell(-1, "timed out after " + timeoutSeconds + " s");
            }
            return new Shell(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
