package io.vigil.job.rfid;

import io.vigil.common.Alert;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.detect.IncidentInput;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.LiveRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * A detector's harness wired to the RFID incident lifecycle as in {@link RfidJob}: every signal the detector emits
 * reaches the lifecycle before the lifecycle sees the watermark that released it.
 */
final class RfidLifecycle {
    final KeyedBroadcastOperatorTestHarness<String, IncidentInput, RulesUpdate, Alert> lifecycle;
    private final AbstractStreamOperatorTestHarness<Signal> detector;
    private final WatermarkTarget target;
    private final List<Signal> signals = new ArrayList<>();
    private int forwarded;

    @FunctionalInterface
    interface WatermarkTarget {
        void processWatermark(long wm) throws Exception;
    }

    RfidLifecycle(OneInputStreamOperatorTestHarness<?, Signal> detector, Duration closeAfter) throws Exception {
        this(detector, detector::processWatermark, closeAfter);
    }

    RfidLifecycle(TwoInputStreamOperatorTestHarness<?, ?, Signal> detector, Duration closeAfter) throws Exception {
        this(detector, wm -> detector.processBothWatermarks(new Watermark(wm)), closeAfter);
    }

    private RfidLifecycle(AbstractStreamOperatorTestHarness<Signal> detector, WatermarkTarget target,
                          Duration closeAfter) throws Exception {
        this.detector = detector;
        this.target = target;
        lifecycle = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new IncidentLifecycle(RfidRules.of(closeAfter)), IncidentInput::incidentKey, Types.STRING,
                LiveRules.STATE);
        lifecycle.processBroadcastWatermark(Long.MAX_VALUE); // as in the job: the rules input never holds time back
    }

    /** The watermark to the detector, what it emitted to the lifecycle, then the watermark to the lifecycle. */
    void watermark(long wm) throws Exception {
        target.processWatermark(wm);
        forward();
        lifecycle.processWatermark(wm);
    }

    void forward() throws Exception {
        var out = detector.extractOutputValues();
        for (int i = forwarded; i < out.size(); i++) {
            signals.add(out.get(i));
            lifecycle.processElement(IncidentInput.of(out.get(i)), out.get(i).eventTime());
        }
        forwarded = out.size();
    }

    List<Signal> signals() {
        return List.copyOf(signals);
    }

    List<Alert> alerts() {
        return lifecycle.extractOutputValues();
    }

    /** Keyed state entries the lifecycle holds (its harness has no counter of its own). */
    int lifecycleStateEntries() {
        return ((HeapKeyedStateBackend<?>) lifecycle.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
