package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalServerTest {
    @Test
    void theConsoleLineCountsAClasspathInsteadOfPrintingIt() {
        String cp = String.join(File.pathSeparator, "/m2/kafka_2.13-4.2.0.jar", "/m2/kafka-clients-4.2.0.jar",
                "/m2/slf4j-api-2.0.16.jar");
        assertThat(LocalServer.shown(List.of("java", "-Xmx512m", "-cp", cp, "kafka.Kafka", "server.properties")))
                .isEqualTo("java -Xmx512m -cp <3 classpath entries> kafka.Kafka server.properties");
        assertThat(LocalServer.shown(List.of("mosquitto", "-c", "mosquitto.conf"))).isEqualTo("mosquitto -c mosquitto.conf");
    }
}
