package io.vigil.common.config;

/**
 * A configuration file (rules, site) that cannot be used. The message names the file, the line and the field so an
 * operator can fix it without reading code: {@code config/rules.yaml:12: rules[0].threshold.above: expected a
 * number, got "high"}.
 */
public final class InvalidConfigFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final String field;

    public InvalidConfigFileException(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + field + ": " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    /** The file's path, or what else the document came from (a pushed rules document names its sender). */
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
