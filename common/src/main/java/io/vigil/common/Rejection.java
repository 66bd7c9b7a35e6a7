package io.vigil.common;

/** A typed refusal: what was wrong ({@code reason}) and a human-readable detail naming the field or record. */
public record Rejection(RejectReason reason, String detail) {
    public static Rejection of(RejectReason reason, String detail) {
        return new Rejection(reason, detail);
    }
}
