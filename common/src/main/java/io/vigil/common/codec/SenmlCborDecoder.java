package io.vigil.common.codec;

/**
 * SenML CBOR ({@value Payloads#SENML_CBOR}, RFC 8428 §6): the SenML JSON model with integer map keys (bn = -2,
 * n = 0, v = 2, ...). Resolution is shared with {@link SenmlJsonDecoder}.
 */
public final class SenmlCborDecoder implements ReadingDecoder {
    @Override
    public DecodeResult decode(byte[] payload, DecodeContext context) {
        PayloadParsing.Records<SenmlRecord> pack =
                PayloadParsing.read(PayloadParsing.CBOR, payload, "SenML CBOR", false, SenmlPackReader.CBOR);
        return pack.failure() != null
                ? DecodeResult.rejected(pack.failure())
                : SenmlResolver.resolve(pack.records(), context);
    }
}
