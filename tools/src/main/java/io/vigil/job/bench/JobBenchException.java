package io.vigil.job.bench;

/** A benchmark run that could not give figures: why, and how far it got. */
public final class JobBenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobBenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
