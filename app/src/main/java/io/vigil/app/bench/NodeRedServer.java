package io.vigil.app.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vigil.common.serde.Json;
import io.vigil.stack.LocalServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Node-RED as a child process on 127.0.0.1, its user directory (settings, flows) under {@link #dir}, its editor and
 * admin API off: the bench deploys its flow through the flows file.
 */
public final class NodeRedServer extends LocalServer {
    private final NodeRedInstall install;
    private final int port;
    private final ArrayNode flows;

    public NodeRedServer(Path dir, NodeRedInstall install, int port, ArrayNode flows) {
        super("node-red", dir);
        this.install = install;
        this.port = port;
        this.flows = flows;
    }

    @Override
    protected void prepare() throws IOException {
        Files.writeString(dir.resolve("flows.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(flows));
        Files.writeString(dir.resolve("settings.js"), String.join("\n",
                "// written by Vigil's Node-RED bench",
                "module.exports = {",
                "    uiHost: '127.0.0.1',",
                "    uiPort: " + port + ",",
                "    httpAdminRoot: false,",
                "    flowFile: 'flows.json',",
                "    credentialSecret: false,",
                "    logging: { console: { level: 'info', metrics: false, audit: false } }",
                "};",
                ""));
    }

    @Override
    protected List<String> command() {
        return List.of(install.node().toString(), install.redJs().toString(), "--userDir", dir.toString(),
                "--settings", dir.resolve("settings.js").toString());
    }

    @Override
    protected boolean ready() {
        try {
            return Files.exists(logFile()) && Files.readString(logFile()).contains("Started flows");
        } catch (IOException e) {
            return false;
        }
    }
}
