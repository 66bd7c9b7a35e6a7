package io.vigil.common.codec;

/**
 * SenML JSON ({@value Payloads#SENML_JSON}, RFC 8428 §5): a JSON array of records with base fields. String and data
 * values are refused per record as {@link io.vigil.common.RejectReason#UNSUPPORTED_VALUE}; the rest of the pack is kept.
 */
public final class SenmlJsonDecoder implements ReadingDecoder {
    @Override
    public DecodeResult decode(byte[] payload, DecodeContext context) {
        PayloadParsing.Records<SenmlRecord> pack =
                PayloadParsing.read(PayloadParsing.JSON, payload, "SenML JSON", false, SenmlPackReader.JSON);
        return pack.failure() != null
                ? DecodeResult.rejected(pack.failure())
                : SenmlResolver.resolve(pack.records(), context);
    }
}
