package io.vigil.app;

import io.vigil.common.registry.RegistryException;
import io.vigil.stack.MosquittoServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a running broker's logins in step with the device registry: when {@code vigil devices add|revoke} changes
 * the registry file, the broker's password and ACL files are rewritten and Mosquitto re-reads them (SIGHUP), so a
 * new device can log in over MQTT at once, as it can over CoAPS (the gateway re-reads the registry itself), and a
 * revoked one is refused new logins. A broken registry edit keeps the last good files and says so.
 */
final class BrokerAccessSync implements AutoCloseable {
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private final DemoAccess access;
    private final MosquittoServer broker;
    private final PrintStream out;
    private final ScheduledExecutorService timer;
    private FileTime seen;

    private BrokerAccessSync(DemoAccess access, MosquittoServer broker, PrintStream out) throws IOException {
        this.access = access;
        this.broker = broker;
        this.out = out;
        this.seen = Files.getLastModifiedTime(access.registryFile);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-access-sync");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching {@code access}'s registry for the running {@code broker}. */
    static BrokerAccessSync start(DemoAccess access, MosquittoServer broker, PrintStream out) throws IOException {
        BrokerAccessSync sync = new BrokerAccessSync(access, broker, out);
        sync.timer.scheduleWithFixedDelay(sync::syncIfChanged, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return sync;
    }

    private void syncIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(access.registryFile);
            if (modified.equals(seen)) {
                return;
            }
            seen = modified;
            int devices = access.rewriteBrokerFiles();
            broker.reloadAccess();
            out.println("vigil: device registry changed; the broker now knows " + devices + " devices");
        } catch (IOException | RegistryException e) {
            out.println("vigil: device registry changed but the broker keeps its last logins: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("vigil: could not update the broker's logins: " + e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
