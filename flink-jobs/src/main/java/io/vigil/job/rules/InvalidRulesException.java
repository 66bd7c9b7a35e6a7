package io.vigil.job.rules;

/**
 * A rules file that cannot be used. The message names the file, the line and the field so an operator can fix it
 * without reading code: {@code config/rules.yaml:12: rules[0].threshold.above: expected a number, got "high"}.
 */
public final class InvalidRulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final String field;

    public InvalidRulesException(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + field + ": " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() {
        return file;
    }

    /** 1-based line number, or 0 if the problem has no line (an unreadable file). */
    public int line() {
        return line;
    }

    /** Path of the offending field, e.g. {@code rules[2].threshold.for}. */
    public String field() {
        return field;
    }
}
