package io.vigil.common.registry;

import java.nio.file.Path;

/** A registry file the operator must fix: names the file, the line and the field. */
public final class RegistryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RegistryException(Path file, int line, String field, String problem) {
        super(file + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ") + problem);
    }

    public RegistryException(String message) {
        super(message);
    }
}
