package io.vigil.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints the job keeps on disk for a restart: Flink retains the latest checkpoint of a job when it stops,
 * under a directory named by its job id, and every start is a new job id — so without pruning, a long-lived
 * installation kept one full copy of its state per restart, forever.
 */
public final class RetainedCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedCheckpoints.class);
    /** The job being restored from, and the one before it as a fallback an operator can restore by hand. */
    static final int JOBS_KEPT = 2;

    private RetainedCheckpoints() {}

    /** The newest completed checkpoint ({@code chk-N} with its {@code _metadata}) under {@code dir}, if any. */
    public static Optional<Path> latest(Path dir) {
        return completed(dir).stream().max(Comparator.comparing(RetainedCheckpoints::modified)).map(Path::getParent);
    }

    /**
     * Deletes the checkpoint directories of all but the {@link #JOBS_KEPT} most recent jobs, by the time of their
     * newest completed checkpoint. A job directory without a completed checkpoint is left alone (it may belong to
     * a job that is starting now).
     *
     * @return the job directories deleted
     */
    public static List<Path> prune(Path dir) {
        List<Path> jobs = completed(dir).stream()
                .collect(Collectors.groupingBy(m -> m.getParent().getParent(),
                        Collectors.mapping(RetainedCheckpoints::modified,
                                Collectors.maxBy(Comparator.naturalOrder()))))
                .entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getValue().orElseThrow(), Comparator.reverseOrder()))
                .map(Map.Entry::getKey)
                .toList();
        List<Path> old = jobs.subList(Math.min(JOBS_KEPT, jobs.size()), jobs.size());
        for (Path job : old) {
            LOG.info("deleting the checkpoints of an earlier run: {}", job);
            deleteTree(job);
        }
        return old;
    }

    /** Every {@code <job>/chk-N/_metadata} under {@code dir}. */
    private static List<Path> completed(Path dir) {
        try (Stream<Path> files = Files.find(dir, 3, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().equals("_metadata")
                && p.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for checkpoints in " + dir, e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // disk space only: the job runs on without it
            LOG.warn("could not delete old checkpoints {}: {}", root, e.toString());
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
