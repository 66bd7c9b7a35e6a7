package io.vigil.common.rfid;

/**
 * A site file that cannot be used; the message names file, line and field, like the rules file's errors:
 * {@code config/site.yaml:14: zones[1].capacity: expected a positive integer, got "many"}.
 */
public final class InvalidSiteException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String field;

    public InvalidSiteException(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + field + ": " + problem);
        this.line = line;
        this.field = field;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
