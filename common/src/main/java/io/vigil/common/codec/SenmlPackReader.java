package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.function.Function;

/** Reads SenML records into the neutral model; JSON and CBOR differ only in how a map key names a label. */
final class SenmlPackReader implements PayloadParsing.RecordReader<SenmlRecord> {
    static final SenmlPackReader JSON = new SenmlPackReader(SenmlLabel::ofJsonLabel);
    static final SenmlPackReader CBOR = new SenmlPackReader(SenmlLabel::ofCborKey);

    private final Function<String, SenmlLabel> labels;

    private SenmlPackReader(Function<String, SenmlLabel> labels) {
        this.labels = labels;
    }

    @Override
    public SenmlRecord readObject(JsonParser parser, int index) throws IOException {
        SenmlRecord record = new SenmlRecord(index);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            SenmlLabel label = labels.apply(key);
            parser.nextToken();
            if (label != null) {
                record.put(label, WireValue.read(parser));
            } else {
                record.unknownLabel(key);
                parser.skipChildren();
            }
        }
        PayloadParsing.requireEndOfObject(parser);
        return record;
    }

    @Override
    public SenmlRecord notAnObject(WireValue element, int index) {
        return SenmlRecord.notAnObject(index, element);
    }
}
