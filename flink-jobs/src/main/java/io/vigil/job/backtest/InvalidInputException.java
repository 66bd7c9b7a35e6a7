package io.vigil.job.backtest;

/** An input the backtest cannot use at all (no such file, no timestamp or value column, an unreadable range). */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
