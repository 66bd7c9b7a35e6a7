package io.vigil.common.incident;

/**
 * A duty officer's acknowledgement of an incident: who took it on, when, and from where. Travels on
 * {@code vigil.control} (key = incident id) to the job, and is recorded on {@code vigil.audit}.
 *
 * @param at     when it was given (epoch ms, wall clock of the gateway that received it)
 * @param source how it arrived, e.g. {@code http 127.0.0.1:53012} or {@code mqtt vigil/ack/INCIDENT}
 */
public record Acknowledgement(String incidentId, String by, long at, String comment, String source) {}
