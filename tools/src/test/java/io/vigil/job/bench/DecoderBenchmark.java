package io.vigil.job.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vigil.common.Protocol;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.codec.DecodeResult;
import io.vigil.common.codec.Payloads;
import io.vigil.common.rfid.TagDecodeResult;
import io.vigil.common.rfid.TagReadDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of decoding one typical payload of each format the gateway accepts, one reading (or tag read) each, through
 * the same entry points the gateway calls. Run with {@code bin/bench-micro}; not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DecoderBenchmark {
    private static final long NOW = 1_767_225_600_000L;
    private static final DecodeContext GAUGE = new DecodeContext("gauge-7", Protocol.MQTT, NOW);
    private static final DecodeContext READER = new DecodeContext("dock-1", Protocol.MQTT, NOW);

    private final byte[] json = utf8("{\"metric\":\"water_level\",\"value\":3.42,\"unit\":\"m\",\"time\":1767225599000,"
            + "\"seq\":1042}");
    private final byte[] senmlJson = utf8("[{\"bn\":\"gauge-7/\",\"bt\":1767225599,\"n\":\"water_level\",\"u\":\"m\","
            + "\"v\":3.42}]");
    private final byte[] senmlCbor = cbor();
    private final byte[] zebra = utf8("{\"type\":\"SIMPLE\",\"timestamp\":\"2025-11-28T03:20:00.123+0000\",\"data\":"
            + "{\"idHex\":\"e28011606000020d8d3c1a2f\",\"antenna\":1,\"peakRssi\":-39,\"eventNum\":1,\"format\":\"epc\","
            + "\"reads\":2}}");
    private final byte[] impinj = utf8("{\"timestamp\":\"2025-11-28T03:20:00.413452203Z\",\"hostname\":\"impinj-14-a1-b2\","
            + "\"eventType\":\"tagInventory\",\"tagInventoryEvent\":{\"epcHex\":\"300833B2DDD9014000000000\","
            + "\"antennaPort\":3,\"antennaName\":\"Antenna 3\",\"peakRssiCdbm\":-7050,\"frequency\":927250,"
            + "\"transmitPowerCdbm\":3000,\"lastSeenTime\":\"2025-11-28T03:20:00.4Z\"}}");
    private final byte[] vigilTag = utf8("{\"reader\":\"dock-1\",\"tag\":\"E2801160-0001\",\"antenna\":2,\"rssi\":-61.5,"
            + "\"reads\":3,\"time\":1764299999000}");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 8428 §6 labels: bn -2, bt -3, n 0, u 1, v 2. */
    private static byte[] cbor() {
        Map<Object, Object> record = new LinkedHashMap<>();
        record.put(-2, "gauge-7/");
        record.put(-3, 1_767_225_599L);
        record.put(0, "water_level");
        record.put(1, "m");
        record.put(2, 3.42);
        try {
            return new CBORMapper().writeValueAsBytes(List.of(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public DecodeResult json() {
        return Payloads.decode(json, Payloads.JSON, GAUGE);
    }

    @Benchmark
    public DecodeResult senmlJson() {
        return Payloads.decode(senmlJson, Payloads.SENML_JSON, GAUGE);
    }

    @Benchmark
    public DecodeResult senmlCbor() {
        return Payloads.decode(senmlCbor, Payloads.SENML_CBOR, GAUGE);
    }

    @Benchmark
    public TagDecodeResult rfidZebra() {
        return TagReadDecoder.decode(zebra, TagReadDecoder.JSON, READER);
    }

    @Benchmark
    public TagDecodeResult rfidImpinj() {
        return TagReadDecoder.decode(impinj, TagReadDecoder.JSON, READER);
    }

    @Benchmark
    public TagDecodeResult rfidVigilJson() {
        return TagReadDecoder.decode(vigilTag, TagReadDecoder.JSON, READER);
    }
}
