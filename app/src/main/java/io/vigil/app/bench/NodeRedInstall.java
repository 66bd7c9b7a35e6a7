package io.vigil.app.bench;

import io.vigil.stack.Binaries;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Node-RED and its InfluxDB nodes, installed from the npm registry on first use into a cache directory outside git,
 * with the Node.js runtime Node-RED 5 needs (22.9 or later) from the registry's {@code node-linux-*} package, so the
 * bench runs the same Node everywhere, whatever the machine's own Node is. Concurrent first uses (a test and a
 * command) take a file lock; an install is built in a scratch directory and moved into place only once complete.
 */
public final class NodeRedInstall {
    public static final String NODE_RED = "node-red@5.0.7";
    public static final String INFLUXDB_NODES = "node-red-contrib-influxdb@0.7.0";
    public static final String NODE_RUNTIME_VERSION = "22.23.5";
    private static final long NPM_TIMEOUT_MINUTES = 10;

    private final Path dir;

    private NodeRedInstall(Path dir) {
        this.dir = dir;
    }

    /** The {@code node} binary that runs Node-RED. */
    public Path node() {
        return dir.resolve("node_modules").resolve(runtimePackage()).resolve("bin/node");
    }

    /** Node-RED's start script. */
    public Path redJs() {
        return dir.resolve("node_modules/node-red/red.js");
    }

    public Path dir() {
        return dir;
    }

    /**
     * The install under {@code cacheRoot}, installing it with npm first if it is not there.
     *
     * @throws IOException if npm is missing or the install fails (e.g. the npm registry cannot be reached), saying so
     */
    public static NodeRedInstall ensure(Path cacheRoot) throws IOException, InterruptedException {
        Files.createDirectories(cacheRoot);
        Path dir = cacheRoot.resolve(String.join("_", NODE_RED, INFLUXDB_NODES, "node" + NODE_RUNTIME_VERSION)
                .replace('@', '-'));
        NodeRedInstall install = new NodeRedInstall(dir);
        try (FileChannel lockFile = FileChannel.open(cacheRoot.resolve(".install.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            if (!install.complete()) {
                install.installWithNpm();
            }
        }
        return install;
    }

    private boolean complete() {
        return Files.isExecutable(node()) && Files.isRegularFile(redJs())
                && Files.isRegularFile(dir.resolve("node_modules/node-red-contrib-influxdb/influxdb.js"));
    }

    private void installWithNpm() throws IOException, InterruptedException {
        Path npm = Binaries.find("npm").orElseThrow(() -> new IOException(
                "npm not found: the Node-RED bench installs Node-RED from the npm registry with npm;"
                        + " install it with: apt-get install -y npm"));
        Path scratch = dir.resolveSibling(dir.getFileName() + ".installing");
        deleteTree(scratch);
        Files.createDirectories(scratch);
        Path log = dir.resolveSibling(dir.getFileName() + ".npm.log");
        List<String> command = new ArrayList<>(List.of(npm.toString(), "install", "--prefix", scratch.toString(),
                "--no-audit", "--no-fund", "--omit=dev", "--no-update-notifier", "--loglevel=warn",
                // the runtime package declares engines this machine's older node may not meet: it replaces that node
                "--engine-strict=false",
                NODE_RED, INFLUXDB_NODES, runtimePackage() + "@" + NODE_RUNTIME_VERSION));
        Process p = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("npm install of Node-RED did not finish within " + NPM_TIMEOUT_MINUTES
                    + " minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("npm install of " + NODE_RED + ", " + INFLUXDB_NODES + " and Node.js "
                    + NODE_RUNTIME_VERSION + " failed (exit " + p.exitValue() + "; is the npm registry reachable?):\n"
                    + tail(log));
        }
        deleteTree(dir);
        Files.move(scratch, dir, StandardCopyOption.ATOMIC_MOVE);
        if (!complete()) {
            throw new IOException("npm install finished but " + node() + " or " + redJs() + " is missing; see " + log);
        }
    }

    /** The npm package that ships Node.js for this machine's OS and CPU. */
    static String runtimePackage() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            default -> throw new IllegalStateException("no Node.js runtime package for CPU " + arch);
        };
        return "node-linux-" + cpu;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
