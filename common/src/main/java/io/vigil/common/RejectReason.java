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
    BAD_ADDRESS,
    /** The device is not in the device registry. */
    UNKNOWN_DEVICE,
    /** The device is in the registry but revoked. */
    DEVICE_REVOKED,
    /** The device sent more payloads than its rate limit allows. */
    RATE_LIMITED,
    /** The registry does not allow this device to report this metric. */
    METRIC_NOT_ALLOWED,
    /** The value lies outside the metric's configured physical range. */
    OUT_OF_RANGE,
    /** The same device, metric and event time was already accepted recently. */
    DUPLICATE
}
