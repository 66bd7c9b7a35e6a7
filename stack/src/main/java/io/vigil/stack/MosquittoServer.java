package io.vigil.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Mosquitto on 127.0.0.1 with persistence (QoS 1 sessions survive a broker or gateway restart) and queue limits
 * raised well above the default 1000: a subscriber that falls behind would otherwise lose messages silently.
 */
public final class MosquittoServer extends LocalServer {
    private final int port;

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

    @Override
    protected void prepare() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        String conf = String.join("\n",
                "# written by Vigil; development set-up: anonymous clients on loopback only",
                "user root",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + dir.resolve("data") + "/",
                "autosave_interval 10",
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                "max_packet_size 1048576",
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
