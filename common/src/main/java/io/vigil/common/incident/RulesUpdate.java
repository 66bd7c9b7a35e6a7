package io.vigil.common.incident;

/** A new rules document for the running job, sent on {@code vigil.control}; recorded on {@code vigil.audit}. */
public record RulesUpdate(String yaml, String by, long at, String source) {}
