package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JavaCommandTest {
    private static final Pattern TIERED_STOP = Pattern.compile("intx TieredStopAtLevel\\s+=\\s+(\\d+)");

    /** The build's surefire configuration ({@code vigil.test.jvm}) is what the suite's speed rests on. */
    @Test
    void theBuildRunsTestJvmsWithC1Only() {
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).contains("-XX:TieredStopAtLevel=1");
    }

    @Test
    void aStartedJvmCompilesAsThisOneDoesAndKeepsItsOwnOptions() throws Exception {
        List<String> cmd = JavaCommand.java(List.of("-Xmx64m"));
        assertThat(cmd.get(0)).endsWith("/bin/java");
        assertThat(cmd).contains("-Xmx64m").containsAll(JavaCommand.inheritedJitOptions());

        List<String> flags = new ArrayList<>(cmd);
        flags.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        // the JVM's own default is 4 (C2): 1 comes only from this test JVM's options
        assertThat(tieredStopAtLevel(flags)).isEqualTo(1);
    }

    private static int tieredStopAtLevel(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = TIERED_STOP.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
