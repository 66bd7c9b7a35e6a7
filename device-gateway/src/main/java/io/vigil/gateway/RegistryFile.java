package io.vigil.gateway;

import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.RegistryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry file as the gateway sees it: loaded at start (a broken file stops the start), then re-read at most
 * once per {@link #CHECK_EVERY_NANOS} when its modification time changed. A broken edit keeps the last good registry
 * and is logged, so a typo does not lock every device out.
 */
final class RegistryFile implements Supplier<DeviceRegistry> {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryFile.class);
    private static final long CHECK_EVERY_NANOS = 2_000_000_000L;

    private final Path file;
    private volatile DeviceRegistry current;
    private volatile FileTime loadedAt;
    private volatile long checkedAt;

    private RegistryFile(Path file, DeviceRegistry registry, FileTime loadedAt) {
        this.file = file;
        this.current = registry;
        this.loadedAt = loadedAt;
        this.checkedAt = System.nanoTime();
    }

    static RegistryFile watch(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("device registry " + file + " does not exist; create it with `vigil devices add`");
        }
        FileTime modified = Files.getLastModifiedTime(file);
        DeviceRegistry registry = DeviceRegistry.load(file);
        LOG.info("device registry {}: {} devices", file, registry.devices().size());
        return new RegistryFile(file, registry, modified);
    }

    @Override
    public DeviceRegistry get() {
        long now = System.nanoTime();
        if (now - checkedAt >= CHECK_EVERY_NANOS) {
            checkedAt = now;
            reloadIfChanged();
        }
        return current;
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedAt)) {
                current = DeviceRegistry.load(file);
                loadedAt = modified;
                LOG.info("device registry {} reloaded: {} devices", file, current.devices().size());
            }
        } catch (IOException | RegistryException e) {
            LOG.error("device registry {} not reloaded, keeping the last good one: {}", file, e.getMessage());
        }
    }
}
