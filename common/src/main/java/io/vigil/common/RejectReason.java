package io.vigil.common;

/** Why a payload (or one record of it) was not turned into a reading. Stable codes: they go on the dead-letter topic. */
public enum RejectReason {
    /** Not parseable as the declared or detected format (broken JSON or CBOR). */
    MALFORMED,
    /** Payload was empty. */
    EMPTY,
    /** A required field is absent. */
    MISSING_FIELD,
    /** A field has the wrong JSON/CBOR type. */
    WRONG_TYPE,
    /** A value is NaN, infinite or otherwise not a usable number. */
    INVALID_VALUE,
    /** A record carries a value kind Vigil does not store as a reading (e.g. SenML string or data values). */
    UNSUPPORTED_VALUE,
    /** A timestamp cannot be read or is out of range. */
    INVALID_TIME,
    /** The content format is not one Vigil accepts. */
    UNSUPPORTED_FORMAT,
    /** The payload exceeds the size limit. */
    TOO_LARGE,
    /** The device id in the payload differs from the one the transport identified. */
    DEVICE_MISMATCH,
    /** The topic or URI does not follow the documented scheme. */
    BAD_ADDRESS
}
