package io.vigil.common.codec;

import java.util.EnumMap;

/**
 * One SenML record as it arrived, before base fields are applied: the same model for JSON and CBOR, so that one
 * resolver serves both encodings.
 */
final class SenmlRecord {
    final int index;
    private final EnumMap<SenmlLabel, WireValue> fields = new EnumMap<>(SenmlLabel.class);
    /** Set when the pack element was not a map at all. */
    private WireValue notAnObject;
    /** The first unknown label ending in '_': RFC 8428 §4.4 requires an error for these. */
    private String mustUnderstand;

    SenmlRecord(int index) {
        this.index = index;
    }

    static SenmlRecord notAnObject(int index, WireValue element) {
        SenmlRecord record = new SenmlRecord(index);
        record.notAnObject = element;
        return record;
    }

    void put(SenmlLabel label, WireValue value) {
        fields.put(label, value);
    }

    void unknownLabel(String key) {
        if (mustUnderstand == null && key.endsWith("_")) {
            mustUnderstand = key;
        }
    }

    WireValue get(SenmlLabel label) {
        return fields.get(label);
    }

    boolean has(SenmlLabel label) {
        return fields.containsKey(label);
    }

    WireValue notAnObject() {
        return notAnObject;
    }

    String mustUnderstand() {
        return mustUnderstand;
    }
}
