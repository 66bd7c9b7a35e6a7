package io.vigil.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The servers Vigil runs against, started together on loopback with their data under one directory. Tests use
 * {@link #onFreePorts}; the demo uses fixed ports so hand-run clients find them.
 */
public final class LocalStack implements AutoCloseable {
    public final MosquittoServer mosquitto;
    public final InfluxServer influx;
    public final KafkaServer kafka;
    public final AlertmanagerServer alertmanager;
    private final List<LocalServer> started = new ArrayList<>();

    private LocalStack(MosquittoServer mosquitto, InfluxServer influx, KafkaServer kafka, AlertmanagerServer alertmanager) {
        this.mosquitto = mosquitto;
        this.influx = influx;
        this.kafka = kafka;
        this.alertmanager = alertmanager;
    }

    /** Which servers to run; a null port means "not needed". */
    public record Ports(Integer mqtt, Integer influxHttp, Integer influxRpc, Integer kafka, Integer kafkaController,
                        Integer alertmanager) {}

    public static LocalStack on(Path dir, Ports ports) {
        return new LocalStack(
                ports.mqtt() == null ? null : new MosquittoServer(dir.resolve("mosquitto"), ports.mqtt()),
                ports.influxHttp() == null ? null : new InfluxServer(dir.resolve("influxdb"), ports.influxHttp(), ports.influxRpc()),
                ports.kafka() == null ? null : new KafkaServer(dir.resolve("kafka"), ports.kafka(), ports.kafkaController()),
                ports.alertmanager() == null ? null : new AlertmanagerServer(dir.resolve("alertmanager"), ports.alertmanager()));
    }

    /** The servers a stack can run. */
    public enum Server { MQTT, INFLUX, KAFKA, ALERTMANAGER }

    /** For tests: exactly the named servers, on free loopback ports. */
    public static LocalStack onFreePorts(Path dir, Server... servers) {
        java.util.Set<Server> named = java.util.EnumSet.noneOf(Server.class);
        named.addAll(List.of(servers));
        boolean mqtt = named.contains(Server.MQTT);
        boolean influx = named.contains(Server.INFLUX);
        boolean kafka = named.contains(Server.KAFKA);
        boolean alertmanager = named.contains(Server.ALERTMANAGER);
        return on(dir, new Ports(
                mqtt ? FreePorts.tcp() : null,
                influx ? FreePorts.tcp() : null, influx ? FreePorts.tcp() : null,
                kafka ? FreePorts.tcp() : null, kafka ? FreePorts.tcp() : null,
                alertmanager ? FreePorts.tcp() : null));
    }

    /** See {@link LocalServer#stopOnJvmExit}: for an owner that stops the stack itself on shutdown. */
    public LocalStack stopOnJvmExit(boolean stop) {
        servers().forEach(s -> s.stopOnJvmExit(stop));
        return this;
    }

    /** Starts every configured server in parallel and waits until all are ready; stops them all if one fails. */
    public LocalStack start() throws IOException {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (LocalServer s : servers()) {
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    s.start();
                    synchronized (started) {
                        started.add(s);
                    }
                } catch (IOException e) {
                    throw new CompletionException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
            }));
        }
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            close();
            throw new IOException("local stack failed to start: " + e.getCause().getMessage(), e.getCause());
        }
        return this;
    }

    private List<LocalServer> servers() {
        List<LocalServer> all = new ArrayList<>();
        for (LocalServer s : new LocalServer[] {mosquitto, influx, kafka, alertmanager}) {
            if (s != null) {
                all.add(s);
            }
        }
        return all;
    }

    @Override
    public void close() {
        synchronized (started) {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            started.clear();
        }
    }
}
