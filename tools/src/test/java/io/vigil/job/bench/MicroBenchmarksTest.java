package io.vigil.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.codec.DecodeResult;
import io.vigil.common.rfid.TagDecodeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The micro-benchmarks measure the paths they name: payloads that decode, detectors that judge and signal. */
class MicroBenchmarksTest {
    @Test
    void everyBenchmarkedPayloadDecodesToOneRecordWithoutRejection() {
        DecoderBenchmark b = new DecoderBenchmark();
        for (DecodeResult r : new DecodeResult[] {b.json(), b.senmlJson(), b.senmlCbor()}) {
            assertThat(r.rejections()).isEmpty();
            assertThat(r.readings()).hasSize(1);
        }
        for (TagDecodeResult r : new TagDecodeResult[] {b.rfidZebra(), b.rfidImpinj(), b.rfidVigilJson()}) {
            assertThat(r.rejections()).isEmpty();
            assertThat(r.reads()).hasSize(1);
        }
    }

    /**
     * A small fleet for longer than the flatline's 10 minutes and the wave's period: every kind but no-data (the
     * fleet is never silent) raises alerts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bench", "threshold", "rate", "forecast", "flatline", "range", "anomaly"})
    void everyStepProducesOutput(String step) throws Exception {
        SeriesEvaluatorBenchmark b = new SeriesEvaluatorBenchmark();
        b.rules = step;
        b.devices = 20;
        b.setUp();
        long out = 0;
        for (int i = 0; i < 70 * b.devices; i++) {
            out += b.step();
        }
        b.tearDown();
        assertThat(out).as(step).isPositive();
    }
}
