package io.vigil.common.incident;

/**
 * One message on {@code vigil.control}: exactly one of {@code ack} or {@code rules} is set, as {@code type} says.
 * One envelope keeps the control topic readable in order by the job.
 */
public record ControlMessage(Type type, Acknowledgement ack, RulesUpdate rules) {
    public enum Type {
        ACK,
        RULES
    }

    public static ControlMessage of(Acknowledgement ack) {
        return new ControlMessage(Type.ACK, ack, null);
    }

    public static ControlMessage of(RulesUpdate rules) {
        return new ControlMessage(Type.RULES, null, rules);
    }
}
