package io.vigil.common;

/** Where an incident stands. Every transition between phases is published as an {@link Alert}. */
public enum Phase {
    NORMAL,
    PRE_WARNING,
    ALARM,
    RECOVERING,
    CLOSED
}
