package io.vigil.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the Debian-packaged server binaries the local stack runs, and says which packages are missing. */
public final class Binaries {
    /** Debian package → the binary it installs. */
    public static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("mosquitto", "mosquitto");
        PACKAGES.put("mosquitto-clients", "mosquitto_pub");
        PACKAGES.put("influxdb", "influxd");
        PACKAGES.put("prometheus-alertmanager", "prometheus-alertmanager");
    }

    private static final List<String> DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin");

    private Binaries() {}

    public static Optional<Path> find(String binary) {
        List<String> dirs = new ArrayList<>(DIRS);
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        return dirs.stream().map(d -> Path.of(d, binary)).filter(Files::isExecutable).findFirst();
    }

    public static Path require(String binary) {
        return find(binary).orElseThrow(() -> new IllegalStateException(
                binary + " not found; install it with: apt-get install -y " + String.join(" ", missingPackages())));
    }

    public static List<String> missingPackages() {
        List<String> missing = new ArrayList<>();
        PACKAGES.forEach((pkg, bin) -> {
            if (find(bin).isEmpty()) {
                missing.add(pkg);
            }
        });
        return missing;
    }
}
