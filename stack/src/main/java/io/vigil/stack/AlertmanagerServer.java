package io.vigil.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prometheus Alertmanager on 127.0.0.1 with clustering off (it would otherwise open 0.0.0.0:9094) and a single
 * no-op receiver; operators point it at their own routes.
 */
public final class AlertmanagerServer extends LocalServer {
    private final int port;

    public AlertmanagerServer(Path dir, int port) {
        super("alertmanager", dir);
        this.port = port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    protected void prepare() throws IOException {
        Path conf = dir.resolve("alertmanager.yml");
        if (!Files.exists(conf)) {
            Files.writeString(conf, String.join("\n",
                    "# written by Vigil; replace the receiver with your duty officers' channels",
                    "route:",
                    "  receiver: duty-officers",
                    "  group_by: [alertname, zone]",
                    "  group_wait: 5s",
                    "  group_interval: 30s",
                    "receivers:",
                    "  - name: duty-officers",
                    ""));
        }
        Files.createDirectories(dir.resolve("data"));
    }

    @Override
    protected List<String> command() {
        return List.of(Binaries.require("prometheus-alertmanager").toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=");
    }

    @Override
    protected boolean ready() {
        return httpStatus(url() + "/-/ready") == 200;
    }
}
