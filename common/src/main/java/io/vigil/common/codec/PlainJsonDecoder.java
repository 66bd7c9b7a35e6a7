package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigil.common.RejectReason;
import io.vigil.common.Reading;
import io.vigil.common.Rejection;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Vigil's plain JSON reading ({@value Payloads#JSON}): one object, or an array of objects, each
 * {@code {"metric":"level","value":1.27,"unit":"m","time":1717171717000}}. See docs/formats.md for every field.
 * Each object of an array is accepted or refused on its own.
 */
public final class PlainJsonDecoder implements ReadingDecoder {
    private static final String FORMAT = "JSON";
    private static final ObjectReader READER = new ObjectReader();
    private static final double MAX_SEQ = 9_007_199_254_740_992d; // 2^53

    @Override
    public DecodeResult decode(byte[] payload, DecodeContext context) {
        PayloadParsing.Records<Fields> parsed =
                PayloadParsing.read(PayloadParsing.JSON, payload, FORMAT, true, READER);
        if (parsed.failure() != null) {
            return DecodeResult.rejected(parsed.failure());
        }
        List<Reading> readings = new ArrayList<>(parsed.records().size());
        List<Rejection> rejections = new ArrayList<>(0);
        Set<Integer> untimed = new HashSet<>(0);
        for (Fields fields : parsed.records()) {
            try {
                Reading r = toReading(fields, context);
                if (!present(fields.time)) {
                    untimed.add(readings.size());
                }
                readings.add(r);
            } catch (RecordRefused refused) {
                rejections.add(refused.toRejection(fields.index, parsed.inArray()));
            }
        }
        return new DecodeResult(readings, rejections, untimed);
    }

    private static Reading toReading(Fields f, DecodeContext context) throws RecordRefused {
        if (f.notAnObject != null) {
            throw new RecordRefused(RejectReason.WRONG_TYPE, "element is " + f.notAnObject.describe() + ", expected an object");
        }
        String device = optionalString(f.device, "device");
        if (device != null && !device.equals(context.deviceId())) {
            throw new RecordRefused(RejectReason.DEVICE_MISMATCH,
                    "field 'device' is '" + device + "' but the transport identified '" + context.deviceId() + "'");
        }
        String metric = requiredString(f.metric, "metric");
        MetricNames.check(metric, "metric");
        double value = value(f.value);
        String unit = optionalString(f.unit, "unit");
        String site = optionalString(f.site, "site");
        String zone = optionalString(f.zone, "zone");
        Long seq = seq(f.seq);
        long eventTime = present(f.time) ? eventTime(f.time) : context.receiveTime();
        return new Reading(context.deviceId(), site, zone, metric, value, unit, eventTime,
                context.receiveTime(), context.protocol(), seq);
    }

    private static double value(WireValue v) throws RecordRefused {
        if (!present(v)) {
            throw new RecordRefused(RejectReason.MISSING_FIELD, "field 'value' is missing");
        }
        if (v.is(WireValue.Kind.BOOLEAN)) {
            return v.number();
        }
        if (!v.is(WireValue.Kind.NUMBER)) {
            throw RecordRefused.wrongType("value", v, "a number or a boolean");
        }
        if (!Double.isFinite(v.number())) {
            throw new RecordRefused(RejectReason.INVALID_VALUE, "field 'value' is too large for a double");
        }
        return v.number();
    }

    /** Whole numbers 0..2^53 only: beyond that a double (how JSON numbers are read) cannot tell neighbours apart. */
    private static Long seq(WireValue v) throws RecordRefused {
        if (!present(v)) {
            return null;
        }
        if (!v.isWholeNumber()) {
            throw RecordRefused.wrongType("seq", v, "an integer");
        }
        if (v.number() < 0 || v.number() > MAX_SEQ) {
            throw new RecordRefused(RejectReason.INVALID_VALUE, "field 'seq' must be 0.." + (long) MAX_SEQ
                    + ", got " + v.number());
        }
        return (long) v.number();
    }

    private static long eventTime(WireValue time) throws RecordRefused {
        if (time.is(WireValue.Kind.NUMBER)) {
            return EventTimes.fromMillis(time.number(), "time");
        }
        if (!time.is(WireValue.Kind.STRING)) {
            throw RecordRefused.wrongType("time", time, "epoch milliseconds or an ISO-8601 string");
        }
        long millis;
        try {
            // ISO_INSTANT: needs a 'Z' or an offset; a local time would be ambiguous across time zones.
            millis = Instant.parse(time.text()).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            throw new RecordRefused(RejectReason.INVALID_TIME,
                    "field 'time' is not an ISO-8601 instant with offset: '" + time.text() + "'");
        }
        return EventTimes.fromMillis(millis, "time");
    }

    private static String requiredString(WireValue v, String field) throws RecordRefused {
        if (!present(v)) {
            throw new RecordRefused(RejectReason.MISSING_FIELD, "field '" + field + "' is missing");
        }
        if (!v.is(WireValue.Kind.STRING)) {
            throw RecordRefused.wrongType(field, v, "a string");
        }
        return v.text();
    }

    /** Null and "" mean "not given", so a payload cannot blank out the site and zone defaults. */
    private static String optionalString(WireValue v, String field) throws RecordRefused {
        if (!present(v)) {
            return null;
        }
        if (!v.is(WireValue.Kind.STRING)) {
            throw RecordRefused.wrongType(field, v, "a string");
        }
        return v.text().isEmpty() ? null : v.text();
    }

    private static boolean present(WireValue v) {
        return v != null && !v.is(WireValue.Kind.NULL);
    }

    /** The fields of one object as they arrived, before any checks. */
    private static final class Fields {
        final int index;
        WireValue notAnObject;
        WireValue metric;
        WireValue value;
        WireValue unit;
        WireValue time;
        WireValue device;
        WireValue site;
        WireValue zone;
        WireValue seq;

        Fields(int index) {
            this.index = index;
        }
    }

    private static final class ObjectReader implements PayloadParsing.RecordReader<Fields> {
        @Override
        public Fields readObject(JsonParser parser, int index) throws IOException {
            Fields f = new Fields(index);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "metric" -> f.metric = WireValue.read(parser);
                    case "value" -> f.value = WireValue.read(parser);
                    case "unit" -> f.unit = WireValue.read(parser);
                    case "time" -> f.time = WireValue.read(parser);
                    case "device" -> f.device = WireValue.read(parser);
                    case "site" -> f.site = WireValue.read(parser);
                    case "zone" -> f.zone = WireValue.read(parser);
                    case "seq" -> f.seq = WireValue.read(parser);
                    default -> parser.skipChildren();
                }
            }
            PayloadParsing.requireEndOfObject(parser);
            return f;
        }

        @Override
        public Fields notAnObject(WireValue element, int index) {
            Fields f = new Fields(index);
            f.notAnObject = element;
            return f;
        }
    }
}
