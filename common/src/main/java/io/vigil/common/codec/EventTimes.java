package io.vigil.common.codec;

import io.vigil.common.RejectReason;

/** The range of event times Vigil accepts, shared by every format so downstream arithmetic cannot overflow. */
final class EventTimes {
    /** 9999-12-31T23:59:59.999Z: beyond it a time is a device bug, not a measurement. */
    static final long LATEST = 253_402_300_799_999L;

    private EventTimes() {}

    /** Epoch milliseconds from a possibly fractional millisecond count, refused outside 1970..9999. */
    static long fromMillis(double millis, String field) throws RecordRefused {
        if (!Double.isFinite(millis) || millis < 0 || millis > LATEST) {
            throw new RecordRefused(RejectReason.INVALID_TIME,
                    "field '" + field + "' is " + (millis < 0 ? "negative" : "out of range") + ": " + millis);
        }
        return Math.round(millis);
    }
}
