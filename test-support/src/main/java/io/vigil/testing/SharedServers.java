package io.vigil.testing;

import io.vigil.stack.InfluxServer;
import io.vigil.stack.KafkaServer;
import io.vigil.stack.LocalStack;
import io.vigil.stack.LocalStack.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The servers {@link StackFixture#shared} classes share: each started the first time a class of this JVM names it,
 * stopped (and its data deleted) when the JVM exits. Each runs in a stack of its own, so Kafka needed only by a
 * later class does not delay the InfluxDB an earlier one needs.
 */
final class SharedServers {
    /** The servers worth sharing: Kafka takes several seconds to format and start, InfluxDB holds one database per class. */
    static final Set<Server> KINDS = EnumSet.of(Server.KAFKA, Server.INFLUX);

    private static final Map<Server, LocalStack> RUNNING = new EnumMap<>(Server.class);
    private static Path dir;

    private SharedServers() {}

    static synchronized void start(Set<Server> servers) throws IOException {
        for (Server s : servers) {
            if (!KINDS.contains(s)) {
                throw new IllegalArgumentException(s + " is not shared");
            }
            if (RUNNING.containsKey(s)) {
                continue;
            }
            if (dir == null) {
                dir = Files.createTempDirectory("vigil-shared-servers-");
                Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::stopAll, "vigil-shared-servers-stop"));
            }
            RUNNING.put(s, startOnFreePorts(s));
        }
    }

    /**
     * A free port can be taken by another process between being chosen and being bound (other test JVMs run on this
     * machine too); a shared server is started once for a whole JVM, so it tries fresh ports rather than fail every
     * class of the JVM.
     */
    private static LocalStack startOnFreePorts(Server s) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path home = dir.resolve(s.name().toLowerCase() + "-" + attempt);
            // this class's hook stops them and then deletes their data, so theirs must not race it
            LocalStack stack = LocalStack.onFreePorts(home, s).stopOnJvmExit(false);
            try {
                return stack.start();
            } catch (IOException e) {
                if (attempt == 3 || !e.getMessage().contains("exited with code")) {
                    throw e;
                }
            }
        }
    }

    static synchronized KafkaServer kafka() {
        LocalStack s = RUNNING.get(Server.KAFKA);
        return s == null ? null : s.kafka;
    }

    static synchronized InfluxServer influx() {
        LocalStack s = RUNNING.get(Server.INFLUX);
        return s == null ? null : s.influx;
    }

    private static synchronized void stopAll() {
        RUNNING.values().forEach(LocalStack::close);
        RUNNING.clear();
        if (dir != null) {
            StackFixture.deleteTree(dir);
        }
    }
}
