package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainedCheckpointsTest {
    @TempDir
    Path dir;

    @Test
    void theLatestRunAndTheOneBeforeItStayOlderRunsGo() throws Exception {
        Path oldest = checkpoint("job-a", 3, 1_000);
        Path older = checkpoint("job-b", 7, 2_000);
        Path previous = checkpoint("job-c", 2, 3_000);
        Path latest = checkpoint("job-d", 1, 4_000);
        Files.createDirectories(dir.resolve("job-e").resolve("chk-1")); // starting now: no _metadata yet

        assertThat(RetainedCheckpoints.prune(dir)).containsExactlyInAnyOrder(dir.resolve("job-a"), dir.resolve("job-b"));

        assertThat(oldest).doesNotExist();
        assertThat(older).doesNotExist();
        assertThat(dir.resolve("job-a")).doesNotExist();
        assertThat(previous).exists();
        assertThat(latest).exists();
        assertThat(dir.resolve("job-e")).as("a run without a completed checkpoint is left alone").exists();
        assertThat(RetainedCheckpoints.latest(dir)).contains(latest);
        assertThat(RetainedCheckpoints.prune(dir)).as("nothing more to delete").isEmpty();
    }

    @Test
    void aJobsNewestCheckpointDecidesItsAgeNotItsFirst() throws Exception {
        checkpoint("job-a", 1, 1_000);
        checkpoint("job-a", 9, 9_000); // the long-running job: its first checkpoint is the oldest of all
        checkpoint("job-b", 1, 5_000);
        checkpoint("job-c", 1, 6_000);

        assertThat(RetainedCheckpoints.prune(dir)).containsExactly(dir.resolve("job-b"));
        assertThat(RetainedCheckpoints.latest(dir)).contains(dir.resolve("job-a").resolve("chk-9"));
    }

    @Test
    void anEmptyDirectoryHasNothingToRestoreOrDelete() {
        assertThat(RetainedCheckpoints.latest(dir)).isEmpty();
        assertThat(RetainedCheckpoints.prune(dir)).isEmpty();
    }

    private Path checkpoint(String job, int n, long millis) throws Exception {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
        Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
        Files.createDirectories(dir.resolve(job).resolve("shared"));
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.ofEpochMilli(millis)));
        return chk;
    }
}
