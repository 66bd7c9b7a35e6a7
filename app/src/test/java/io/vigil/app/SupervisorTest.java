package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's children are restarted when they die, with one line each, until one keeps dying. */
class SupervisorTest {
    @TempDir
    Path logs;

    /** A child that runs until {@link #die}, as a process that is killed. */
    static final class FakeChild implements Supervisor.Process {
        boolean alive = true;
        boolean closed;

        void die() {
            alive = false;
        }

        @Override
        public String name() {
            return "job";
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public int exitCode() {
            return alive ? -1 : 137;
        }

        @Override
        public void close() {
            closed = true;
            alive = false;
        }
    }

    @Test
    void aDeadChildIsRestartedWithOneLineAndOneThatKeepsDyingStopsTheDemo() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<FakeChild> started = new ArrayList<>();
        Supervisor supervisor = new Supervisor(logs, new PrintStream(console, true, StandardCharsets.UTF_8));
        supervisor.add(() -> {
            FakeChild c = new FakeChild();
            started.add(c);
            return c;
        });
        assertThat(supervisor.check()).isNull();
        assertThat(started).hasSize(1);

        started.get(0).die();
        assertThat(supervisor.check()).as("restarted, not given up").isNull();
        assertThat(started).hasSize(2);
        assertThat(supervisor.running()).containsExactly(started.get(1));
        assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo("vigil: job exited (exit code 137); restarting it"
                + " (log: " + logs.resolve("job.log") + ")" + System.lineSeparator());

        String gaveUp = null;
        for (int i = 0; i < 10 && gaveUp == null; i++) {
            started.get(started.size() - 1).die();
            gaveUp = supervisor.check();
        }
        assertThat(started).as("the first start and " + Supervisor.MAX_RESTARTS + " restarts")
                .hasSize(1 + Supervisor.MAX_RESTARTS);
        assertThat(gaveUp).isEqualTo("job exited " + (Supervisor.MAX_RESTARTS + 1) + " times within 2 minutes"
                + " (exit code 137); see " + logs.resolve("job.log"));

        supervisor.close();
        assertThat(started.get(started.size() - 1).closed).isTrue();
    }
}
