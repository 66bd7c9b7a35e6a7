package io.vigil.testing;

import io.vigil.stack.AlertmanagerServer;
import io.vigil.stack.InfluxServer;
import io.vigil.stack.KafkaServer;
import io.vigil.stack.LocalStack;
import io.vigil.stack.LocalStack.Server;
import io.vigil.stack.MosquittoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real servers a test class names, as a JUnit 5 extension:
 *
 * <pre>{@code
 * @Tag("servers")
 * class GatewayEndToEndTest {
 *     @RegisterExtension
 *     static final StackFixture servers = StackFixture.shared(MQTT, KAFKA);
 *     ... servers.kafka().bootstrapServers(), servers.topic(Topics.READINGS), servers.mosquitto().url() ...
 * }
 * }</pre>
 *
 * <p>{@link #shared} is for tests that only use the servers. Kafka (several seconds to format and start) and InfluxDB
 * are then started once per test JVM and shared by every class that asks for them; each class gets its own topic
 * names ({@link #topic}) and database ({@link #database}), so it never sees another class's records or points.
 * Mosquitto and Alertmanager are still started for the class alone: their topic tree, persistent sessions and
 * alerts are one per server and Vigil's MQTT topics are fixed, and each starts in a few hundred milliseconds.
 *
 * <p>{@link #owned} is for tests that stop, kill, restart or reconfigure servers (outages, broker restarts): every
 * named server is the class's own, started before its first test and stopped after its last, or around each test
 * when the fixture is registered on an instance field.
 */
public final class StackFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger CLASSES = new AtomicInteger();

    private final Set<Server> named;
    private final boolean shared;
    private Path dir;
    private LocalStack own;
    private String namespace;
    private boolean aroundEachTest;

    private StackFixture(boolean shared, Server... servers) {
        this.shared = shared;
        this.named = servers.length == 0 ? EnumSet.noneOf(Server.class) : EnumSet.copyOf(Arrays.asList(servers));
    }

    /** Kafka and InfluxDB shared with the other classes of this test JVM, each class in its own namespace. */
    public static StackFixture shared(Server... servers) {
        return new StackFixture(true, servers);
    }

    /** Every named server this class's (or test's) own, for tests that stop, restart or reconfigure them. */
    public static StackFixture owned(Server... servers) {
        return new StackFixture(false, servers);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (own == null) { // registered on an instance field: no beforeAll, one stack per test
            aroundEachTest = true;
            start(context.getRequiredTestClass());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (aroundEachTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start(Class<?> testClass) throws IOException {
        namespace = testClass.getSimpleName() + "-" + CLASSES.incrementAndGet();
        dir = Files.createTempDirectory("vigil-" + testClass.getSimpleName() + "-");
        Set<Server> local = EnumSet.noneOf(Server.class);
        local.addAll(named);
        if (shared) {
            local.removeAll(SharedServers.KINDS);
            Set<Server> fromJvm = EnumSet.noneOf(Server.class);
            fromJvm.addAll(named);
            fromJvm.retainAll(SharedServers.KINDS);
            SharedServers.start(fromJvm);
        }
        own = LocalStack.onFreePorts(dir, local.toArray(Server[]::new)).start();
        if (named.contains(Server.INFLUX)) {
            try {
                influx().createDatabase(database());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted creating the test database", e);
            }
        }
    }

    private void stop() {
        if (own != null) {
            own.close();
            own = null;
        }
        if (dir != null) {
            deleteTree(dir);
            dir = null;
        }
    }

    /** This class's Kafka topic for {@code name}: the name within the class's namespace. */
    public String topic(String name) {
        return shared ? namespace + "." + name : name;
    }

    /** Creates this class's topics for {@code names} (see {@link #topic}) with {@code partitions} each. */
    public void createTopics(int partitions, String... names) {
        kafka().createTopics(partitions, Stream.of(names).map(this::topic).toArray(String[]::new));
    }

    /** This class's InfluxDB database, created before its first test. */
    public String database() {
        return shared ? namespace.replace('-', '_') : "vigil";
    }

    public KafkaServer kafka() {
        return need(Server.KAFKA, shared ? SharedServers.kafka() : own.kafka);
    }

    public InfluxServer influx() {
        return need(Server.INFLUX, shared ? SharedServers.influx() : own.influx);
    }

    public MosquittoServer mosquitto() {
        return need(Server.MQTT, own.mosquitto);
    }

    public AlertmanagerServer alertmanager() {
        return need(Server.ALERTMANAGER, own.alertmanager);
    }

    /** The servers this class owns (all it named, when {@link #owned}), to stop or restart in a test. */
    public LocalStack ownStack() {
        if (shared && (named.contains(Server.KAFKA) || named.contains(Server.INFLUX))) {
            throw new IllegalStateException("Kafka and InfluxDB of a shared fixture are not the test's to stop;"
                    + " use StackFixture.owned(...)");
        }
        return own;
    }

    private <T> T need(Server server, T s) {
        if (!named.contains(server)) {
            throw new IllegalStateException(server + " was not named: StackFixture." + (shared ? "shared" : "owned")
                    + named);
        }
        if (s == null) {
            throw new IllegalStateException(server + " is not running: the fixture starts before the first test");
        }
        return s;
    }

    static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
