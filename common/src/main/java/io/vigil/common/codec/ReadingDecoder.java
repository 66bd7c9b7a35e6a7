package io.vigil.common.codec;

/** Turns one payload into readings or typed rejections. Implementations never throw on bad input. */
public interface ReadingDecoder {
    DecodeResult decode(byte[] payload, DecodeContext context);
}
