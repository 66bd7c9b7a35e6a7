package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What goes to a cluster: target/vigil-job.jar (built by the shade plugin in the package phase, so this runs as an
 * integration test after it) carries the job and the clients it talks through, and nothing that only benchmarks or
 * tests it. {@code -Dvigil.jobJar=FILE} checks another jar.
 */
class JobJarContentsIT {
    /** Entries no job jar may hold, each with why. */
    private static final List<Forbidden> FORBIDDEN = List.of(
            new Forbidden("the job bench (vigil-tools)", e -> e.startsWith("io/vigil/job/bench/")),
            new Forbidden("JMH and its generated benchmarks", e -> e.startsWith("org/openjdk/jmh/")
                    || e.contains("jmh_generated/") || e.startsWith("META-INF/BenchmarkList")),
            new Forbidden("test frameworks", e -> e.startsWith("org/junit/") || e.startsWith("org/assertj/")
                    || e.startsWith("org/awaitility/") || e.startsWith("com/code_intelligence/jazzer/")),
            new Forbidden("the local test servers and the simulators",
                    e -> e.startsWith("io/vigil/stack/") || e.startsWith("io/vigil/sim/")),
            new Forbidden("Vigil's test, benchmark and fuzz classes", e -> e.startsWith("io/vigil/")
                    && e.endsWith(".class") && simpleName(e).matches(".*(Test|IT|Benchmark)(\\$.*)?")),
            new Forbidden("test and bench resources", e -> e.endsWith("log4j2-test.properties")
                    || e.contains("TestInputs/") || e.matches(".*bench.*rules\\.yaml")),
            new Forbidden("RocksDB (a cluster brings its own state backends)",
                    e -> e.startsWith("org/rocksdb/") || e.startsWith("org/apache/flink/state/rocksdb/")));

    private static Path jar;
    private static Set<String> entries;

    @BeforeAll
    static void readJar() throws IOException {
        jar = Path.of(System.getProperty("vigil.jobJar", "target/vigil-job.jar")).toAbsolutePath();
        assertThat(jar).as("the job jar, built by mvn package").isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(e -> e.getName()).collect(Collectors.toSet());
        }
    }

    @Test
    void holdsTheJobItsEntryClassAndTheConnectors() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(ClusterJob.class.getName());
        }
        assertThat(entries).contains(classEntry(ClusterJob.class), classEntry(VigilJob.class),
                "io/vigil/common/Reading.class", "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/eclipse/paho/mqttv5/client/MqttAsyncClient.class");
    }

    @Test
    void holdsNoBenchOrTestCode() {
        assertSoftly(softly -> FORBIDDEN.forEach(f -> softly.assertThat(
                entries.stream().filter(f.matches).sorted().limit(20).toList()).as(f.what).isEmpty()));
    }

    /** Every class compiled from flink-jobs' test sources stays out, whatever its name. */
    @Test
    void holdsNoClassOfTheTestSources() throws IOException {
        Path testClasses = Path.of("target", "test-classes");
        assertThat(testClasses).isDirectory();
        try (Stream<Path> files = Files.walk(testClasses)) {
            List<String> compiledTests = files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> testClasses.relativize(p).toString().replace('\\', '/')).toList();
            assertThat(compiledTests).as("flink-jobs' test classes").isNotEmpty();
            assertThat(compiledTests).filteredOn(entries::contains).isEmpty();
        }
    }

    private static String classEntry(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static String simpleName(String entry) {
        String file = entry.substring(entry.lastIndexOf('/') + 1);
        return file.endsWith(".class") ? file.substring(0, file.length() - ".class".length()) : file;
    }

    private record Forbidden(String what, Predicate<String> matches) {}
}
