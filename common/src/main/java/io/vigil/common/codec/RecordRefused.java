package io.vigil.common.codec;

import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;

/**
 * Why one record of a payload cannot become a reading. Thrown inside a decoder and caught per record, so one bad
 * record never costs the others; it carries no stack trace because it is an expected outcome of hostile input.
 */
final class RecordRefused extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final String detail;

    RecordRefused(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.detail = detail;
    }

    static RecordRefused wrongType(String field, WireValue value, String expected) {
        return new RecordRefused(RejectReason.WRONG_TYPE,
                "field '" + field + "' is " + value.describe() + ", expected " + expected);
    }

    RejectReason reason() {
        return reason;
    }

    String detail() {
        return detail;
    }

    /** The rejection as reported: in a pack or array, prefixed with the record's index so a device can find it. */
    Rejection toRejection(int index, boolean inArray) {
        return Rejection.of(reason, inArray ? "record " + index + ": " + detail : detail);
    }
}
