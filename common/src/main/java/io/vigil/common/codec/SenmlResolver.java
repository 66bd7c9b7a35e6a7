package io.vigil.common.codec;

import io.vigil.common.RejectReason;
import io.vigil.common.Reading;
import io.vigil.common.Rejection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a SenML pack, in the neutral record model, into readings: carries base fields forward (RFC 8428 §4: a
 * base field applies to its record and every later one until redefined), resolves name, value, unit and time, and
 * refuses records one at a time. A base field of the wrong type poisons the records that rely on it, rather than
 * silently letting them fall back to an older base.
 */
final class SenmlResolver {
    /** RFC 8428 §4.5.3: a resolved time below 2^28 seconds is relative to "now". */
    private static final double RELATIVE_TIME_LIMIT_SECONDS = 268_435_456d;

    private final DecodeContext context;
    private final CarriedBase baseName = new CarriedBase(SenmlLabel.BASE_NAME);
    private final CarriedBase baseTime = new CarriedBase(SenmlLabel.BASE_TIME);
    private final CarriedBase baseUnit = new CarriedBase(SenmlLabel.BASE_UNIT);
    private final CarriedBase baseValue = new CarriedBase(SenmlLabel.BASE_VALUE);
    private final CarriedBase[] carried = {baseName, baseTime, baseUnit, baseValue};

    private SenmlResolver(DecodeContext context) {
        this.context = context;
    }

    static DecodeResult resolve(List<SenmlRecord> pack, DecodeContext context) {
        SenmlResolver resolver = new SenmlResolver(context);
        List<Reading> readings = new ArrayList<>(pack.size());
        List<Rejection> rejections = new ArrayList<>(0);
        Set<Integer> untimed = new HashSet<>(0);
        for (SenmlRecord record : pack) {
            try {
                Reading r = resolver.resolve(record);
                if (resolver.untimed(record)) {
                    untimed.add(readings.size());
                }
                readings.add(r);
            } catch (RecordRefused refused) {
                rejections.add(refused.toRejection(record.index, true));
            }
        }
        return new DecodeResult(readings, rejections, untimed);
    }

    private Reading resolve(SenmlRecord record) throws RecordRefused {
        if (record.notAnObject() != null) {
            throw new RecordRefused(RejectReason.WRONG_TYPE,
                    "element is " + record.notAnObject().describe() + ", expected a map of SenML fields");
        }
        // Base fields are taken over before anything can refuse the record: later records depend on them.
        for (CarriedBase base : carried) {
            base.takeFrom(record);
        }
        checkFieldTypes(record);
        if (record.mustUnderstand() != null) {
            throw new RecordRefused(RejectReason.UNSUPPORTED_FORMAT,
                    "field '" + record.mustUnderstand() + "' must be understood (it ends in '_') and Vigil does not know it");
        }
        String metric = metric(record);
        double value = value(record);
        String unit = unit(record);
        long eventTime = eventTime(record);
        return new Reading(context.deviceId(), null, null, metric, value, unit, eventTime,
                context.receiveTime(), context.protocol());
    }

    private static void checkFieldTypes(SenmlRecord record) throws RecordRefused {
        for (SenmlLabel label : SenmlLabel.values()) {
            WireValue value = record.get(label);
            // String and data values are refused as unsupported whatever their type.
            boolean refusedAnyway = label == SenmlLabel.STRING_VALUE || label == SenmlLabel.DATA_VALUE;
            if (value != null && !refusedAnyway && !label.accepts(value)) {
                throw RecordRefused.wrongType(label.label(), value, label.expected());
            }
        }
    }

    private String metric(SenmlRecord record) throws RecordRefused {
        WireValue base = baseName.current();
        WireValue own = record.get(SenmlLabel.NAME);
        if (base == null && own == null) {
            throw new RecordRefused(RejectReason.MISSING_FIELD, "no name: neither 'bn' nor 'n' is given");
        }
        String name = base == null ? own.text() : own == null ? base.text() : base.text() + own.text();
        MetricNames.check(name, own == null ? "bn" : base == null ? "n" : "bn + n");
        return MetricNames.stripDevicePrefix(name, context.deviceId());
    }

    private double value(SenmlRecord record) throws RecordRefused {
        int valueFields = count(record, SenmlLabel.VALUE, SenmlLabel.STRING_VALUE,
                SenmlLabel.BOOLEAN_VALUE, SenmlLabel.DATA_VALUE);
        if (valueFields > 1) {
            throw new RecordRefused(RejectReason.INVALID_VALUE,
                    "several value fields; a record holds exactly one of 'v', 'vs', 'vb', 'vd'");
        }
        if (record.has(SenmlLabel.STRING_VALUE)) {
            throw new RecordRefused(RejectReason.UNSUPPORTED_VALUE, "string value 'vs' is not stored as a reading");
        }
        if (record.has(SenmlLabel.DATA_VALUE)) {
            throw new RecordRefused(RejectReason.UNSUPPORTED_VALUE, "data value 'vd' is not stored as a reading");
        }
        if (record.has(SenmlLabel.BOOLEAN_VALUE)) {
            return record.get(SenmlLabel.BOOLEAN_VALUE).number();
        }
        if (record.has(SenmlLabel.VALUE)) {
            WireValue base = baseValue.current();
            double value = record.get(SenmlLabel.VALUE).number() + (base == null ? 0 : base.number());
            if (!Double.isFinite(value)) {
                throw new RecordRefused(RejectReason.INVALID_VALUE,
                        "value " + (base == null ? "'v'" : "'bv' + 'v'") + " is not a finite number: " + value);
            }
            return value;
        }
        if (record.has(SenmlLabel.SUM)) {
            throw new RecordRefused(RejectReason.UNSUPPORTED_VALUE, "only a sum 's', which is not stored as a reading");
        }
        throw new RecordRefused(RejectReason.MISSING_FIELD, "no value field ('v', 'vb', 'vs' or 'vd')");
    }

    private String unit(SenmlRecord record) throws RecordRefused {
        WireValue unit = record.has(SenmlLabel.UNIT) ? record.get(SenmlLabel.UNIT) : baseUnit.current();
        return unit == null || unit.text().isEmpty() ? null : unit.text();
    }

    /** No base time and no time of its own: the record was given the receive time (after base fields were taken). */
    private boolean untimed(SenmlRecord record) throws RecordRefused {
        return baseTime.current() == null && record.get(SenmlLabel.TIME) == null;
    }

    private long eventTime(SenmlRecord record) throws RecordRefused {
        WireValue base = baseTime.current();
        WireValue own = record.get(SenmlLabel.TIME);
        if (base == null && own == null) {
            return context.receiveTime();
        }
        double seconds = (base == null ? 0 : base.number()) + (own == null ? 0 : own.number());
        String field = own == null ? "bt" : base == null ? "t" : "bt + t";
        if (!Double.isFinite(seconds)) {
            throw new RecordRefused(RejectReason.INVALID_TIME, "time '" + field + "' is not a finite number");
        }
        double millis = seconds < RELATIVE_TIME_LIMIT_SECONDS
                ? context.receiveTime() + seconds * 1000.0
                : seconds * 1000.0;
        return EventTimes.fromMillis(millis, field);
    }

    private static int count(SenmlRecord record, SenmlLabel... labels) {
        int n = 0;
        for (SenmlLabel label : labels) {
            n += record.has(label) ? 1 : 0;
        }
        return n;
    }

    /** One base field as it stands at the current record. */
    private static final class CarriedBase {
        private final SenmlLabel label;
        private WireValue value;
        private WireValue unusable;
        private int definedIn;

        CarriedBase(SenmlLabel label) {
            this.label = label;
        }

        /** Takes the record's definition, if any; one of the wrong type stays in force, unusable. */
        void takeFrom(SenmlRecord record) {
            WireValue defined = record.get(label);
            if (defined == null) {
                return;
            }
            definedIn = record.index;
            boolean usable = label.accepts(defined);
            value = usable ? defined : null;
            unusable = usable ? null : defined;
        }

        /** The base in force, null if never defined; refuses if the definition in force is unusable. */
        WireValue current() throws RecordRefused {
            if (unusable != null) {
                throw new RecordRefused(RejectReason.WRONG_TYPE, "base field '" + label.label() + "' set in record "
                        + definedIn + " is " + unusable.describe() + ", expected " + label.expected());
            }
            return value;
        }
    }
}
