package io.vigil.stack;

import io.vigil.common.codec.Payloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Mosquitto on 127.0.0.1 with persistence (QoS 1 sessions survive a broker or gateway restart) and queue limits
 * raised well above the default 1000: a subscriber that falls behind would otherwise lose messages silently.
 */
public final class MosquittoServer extends LocalServer {
    /**
     * The broker's packet limit: the device payload limit plus room for the topic, packet id and MQTT 5 properties.
     * A larger payload still within it reaches the gateway and is dead-lettered as TOO_LARGE; a larger packet is
     * refused here, where the device learns of it: MQTT 5 clients get the limit in CONNACK and a client that sends
     * more is disconnected (reason 0x95, "packet too large"; an MQTT 3.1.1 client sees its connection close).
     */
    public static final int MAX_PACKET_BYTES = Payloads.DEVICE_PAYLOAD_LIMIT + 4096;

    private final int port;
    private Path passwordFile;
    private Path aclFile;
    private Tls tls;

    /** A TLS listener: PEM server certificate and key, on its own loopback port. */
    public record Tls(int port, Path certFile, Path keyFile) {}

    public MosquittoServer(Path dir, int port) {
        super("mosquitto", dir);
        this.port = port;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /**
     * Turns off anonymous access: clients must log in with a user of {@code passwordFile} (mosquitto_passwd
     * format) and may use only the topics {@code aclFile} grants. Call before {@link #start()}.
     */
    public synchronized MosquittoServer withAccess(Path passwordFile, Path aclFile) {
        this.passwordFile = passwordFile;
        this.aclFile = aclFile;
        return this;
    }

    /** Adds a TLS listener (same access rules). Call before {@link #start()}. */
    public synchronized MosquittoServer withTls(Tls tls) {
        this.tls = tls;
        return this;
    }

    public synchronized boolean authenticated() {
        return passwordFile != null;
    }

    /** The TLS listener's URL, or null if there is none. */
    public synchronized String tlsUrl() {
        return tls == null ? null : "ssl://127.0.0.1:" + tls.port();
    }

    /** Makes the broker re-read its password and ACL files (SIGHUP), e.g. after a device was revoked. */
    public void reloadAccess() throws IOException, InterruptedException {
        long pid = pid();
        if (pid < 0) {
            throw new IllegalStateException("mosquitto is not running");
        }
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -HUP " + pid + " failed");
        }
    }

    @Override
    protected void prepare() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        List<String> access = passwordFile == null
                ? List.of("# development set-up: anonymous clients on loopback only", "allow_anonymous true")
                : List.of("allow_anonymous false", "password_file " + passwordFile.toAbsolutePath(),
                        "acl_file " + aclFile.toAbsolutePath());
        List<String> listeners = new java.util.ArrayList<>(List.of("listener " + port + " 127.0.0.1"));
        if (tls != null) {
            listeners.addAll(List.of("listener " + tls.port() + " 127.0.0.1",
                    "certfile " + tls.certFile().toAbsolutePath(), "keyfile " + tls.keyFile().toAbsolutePath()));
        }
        String conf = String.join("\n",
                "# written by Vigil",
                "user root",
                String.join("\n", access),
                String.join("\n", listeners),
                "persistence true",
                "persistence_location " + dir.resolve("data") + "/",
                "autosave_interval 10",
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                "max_packet_size " + MAX_PACKET_BYTES,
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "");
        Files.writeString(dir.resolve("mosquitto.conf"), conf);
    }

    @Override
    protected List<String> command() {
        return List.of(Binaries.require("mosquitto").toString(), "-c", dir.resolve("mosquitto.conf").toString());
    }

    @Override
    protected boolean ready() {
        return portOpen(port);
    }
}
