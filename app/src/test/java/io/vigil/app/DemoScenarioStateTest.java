package io.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.job.RetainedCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each demo scenario restores only its own job state. */
class DemoScenarioStateTest {
    @TempDir
    Path home;

    @Test
    void aDifferentScenarioFindsNoCheckpointOfAnotherAndTheSameOneResumes() throws Exception {
        Path flood = Demo.scenarioCheckpoints(home, "river-flood");
        Path chk = Files.createDirectories(flood.resolve("job-1").resolve("chk-7"));
        Files.writeString(chk.resolve("_metadata"), "x");

        assertThat(RetainedCheckpoints.latest(Demo.scenarioCheckpoints(home, "crowd"))).as("crowd starts fresh")
                .isEmpty();
        assertThat(RetainedCheckpoints.latest(Demo.scenarioCheckpoints(home, "river-flood"))).as("flood resumes")
                .contains(chk);
    }
}
