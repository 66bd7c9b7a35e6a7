package io.vigil.common.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import io.vigil.common.Protocol;
import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Feeds seeded random damage of valid payloads through {@link Payloads#decode}: whatever arrives, the decoder must
 * answer with readings or rejections and never throw. Deterministic, so a failure reproduces.
 */
class GarbagePayloadsTest {
    private static final int VARIANTS = 4000;
    private static final DecodeContext CONTEXT = new DecodeContext("gauge-7", Protocol.MQTT, 1_717_171_717_000L);
    private static final String[] CONTENT_TYPES = {null, Payloads.JSON, Payloads.SENML_JSON, Payloads.SENML_CBOR};
    private static final byte[] STRUCTURAL = "{}[]\",:0-e.1 \\ntfu".getBytes(UTF_8);

    private static final List<byte[]> VALID = List.of(
            "{\"metric\":\"level\",\"value\":1.27,\"unit\":\"m\",\"time\":\"2024-05-31T16:08:37Z\",\"seq\":7}"
                    .getBytes(UTF_8),
            "[{\"metric\":\"level\",\"value\":1},{\"metric\":\"door\",\"value\":true,\"time\":1717171717000}]"
                    .getBytes(UTF_8),
            ("[{\"bn\":\"gauge-7/\",\"bt\":1.7171717e9,\"bu\":\"m\",\"bv\":1,\"n\":\"level\",\"v\":0.5},"
                    + "{\"n\":\"level\",\"t\":-1,\"v\":0.25},{\"n\":\"on\",\"vb\":true},{\"n\":\"x\",\"vs\":\"y\"}]")
                    .getBytes(UTF_8),
            // RFC 8428 §6 example, shortened to its first two records: [{bn, bt, bu, bver, n, u, v}, {n, t, v}]
            HexFormat.of().parseHex("82a721781b75726e3a6465763a6f773a3130653230373361303130383030363a22fb"
                    + "41d303a15b00106223614120050067766f6c74616765016156"
                    + "02fb405e066666666666a3006763757272656e74062402fb3ff3333333333333"));

    @Test
    void neverThrowsAndAlwaysAnswers() {
        Random random = new Random(20240531L);
        Set<RejectReason> reasonsSeen = EnumSet.noneOf(RejectReason.class);
        int[] withReadings = {0};

        assertTimeout(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < VARIANTS; i++) {
                byte[] payload = damage(VALID.get(random.nextInt(VALID.size())), random);
                String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];

                DecodeResult result = Payloads.decode(payload, contentType, CONTEXT);

                String variant = "variant " + i + " (" + contentType + "): " + HexFormat.of().formatHex(payload);
                assertThat(result.readings().size() + result.rejections().size()).as(variant).isPositive();
                assertThat(result.readings().size()).as(variant).isLessThanOrEqualTo(Payloads.MAX_RECORDS);
                for (Reading reading : result.readings()) {
                    assertThat(reading.deviceId()).as(variant).isEqualTo(CONTEXT.deviceId());
                    assertThat(reading.receiveTime()).as(variant).isEqualTo(CONTEXT.receiveTime());
                    assertThat(reading.protocol()).as(variant).isEqualTo(CONTEXT.protocol());
                    assertThat(reading.value()).as(variant).isFinite();
                    assertThat(reading.eventTime()).as(variant).isBetween(0L, EventTimes.LATEST);
                    assertThat(reading.metric()).as(variant).isNotEmpty();
                }
                for (Rejection rejection : result.rejections()) {
                    assertThat(rejection.reason()).as(variant).isNotNull();
                    assertThat(rejection.detail()).as(variant).isNotBlank();
                    reasonsSeen.add(rejection.reason());
                }
                withReadings[0] += result.readings().isEmpty() ? 0 : 1;
            }
        });

        // The damage must be varied enough to reach more than the parser's front door.
        assertThat(withReadings[0]).isGreaterThan(VARIANTS / 20);
        assertThat(reasonsSeen).contains(RejectReason.MALFORMED, RejectReason.EMPTY, RejectReason.MISSING_FIELD,
                RejectReason.WRONG_TYPE, RejectReason.UNSUPPORTED_VALUE);
    }

    private static byte[] damage(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(7)) {
            case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 1 -> {
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> bytes[random.nextInt(bytes.length)] = STRUCTURAL[random.nextInt(STRUCTURAL.length)];
            case 3 -> {
                int at = random.nextInt(bytes.length);
                int length = 1 + random.nextInt(Math.min(8, bytes.length - at));
                bytes = concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, at + length, bytes.length));
            }
            case 4 -> {
                int at = random.nextInt(bytes.length);
                byte[] noise = new byte[1 + random.nextInt(8)];
                random.nextBytes(noise);
                bytes = concat(concat(Arrays.copyOf(bytes, at), noise), Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 5 -> {
                // Repeat a slice: duplicate keys, doubled records, runaway nesting.
                int from = random.nextInt(bytes.length);
                int to = from + random.nextInt(bytes.length - from) + 1;
                byte[] slice = Arrays.copyOfRange(bytes, from, to);
                bytes = concat(concat(Arrays.copyOf(bytes, to), slice), Arrays.copyOfRange(bytes, to, bytes.length));
            }
            default -> {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            }
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
