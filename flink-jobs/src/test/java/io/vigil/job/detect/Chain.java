package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Detectors and the incident lifecycle wired as in the job, each in its own harness: every signal a detector
 * emits goes on to the lifecycle before the lifecycle sees the watermark that released it. Rules documents go to
 * every operator, as the job broadcasts them.
 */
final class Chain {
    final List<KeyedBroadcastOperatorTestHarness<String, RuleReading, RulesUpdate, Signal>> detectors =
            new ArrayList<>();
    final KeyedBroadcastOperatorTestHarness<String, IncidentInput, RulesUpdate, Alert> lifecycle;
    private final List<Integer> forwarded = new ArrayList<>();

    Chain(RuleSet rules, Duration forgetAfter, EventTimeDetector... detectors) throws Exception {
        for (EventTimeDetector d : detectors) {
            this.detectors.add(detector(d));
            forwarded.add(0);
        }
        lifecycle = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new IncidentLifecycle(rules, forgetAfter), IncidentInput::seriesKey, Types.STRING, LiveRules.STATE);
        // as in the job: the control stream never holds event time back
        lifecycle.processBroadcastWatermark(Long.MAX_VALUE);
    }

    /** One detector in a harness whose rules input, like the job's, never holds event time back. */
    static KeyedBroadcastOperatorTestHarness<String, RuleReading, RulesUpdate, Signal> detector(EventTimeDetector d)
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(d, RuleReading::key, Types.STRING,
                LiveRules.STATE);
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    static Chain threshold(RuleSet rules) throws Exception {
        return new Chain(rules, IncidentLifecycle.DEFAULT_FORGET_AFTER, new ThresholdDetector(rules));
    }

    void processElement(RuleReading r, long ts) throws Exception {
        for (var d : detectors) {
            d.processElement(r, ts);
        }
        forward();
    }

    /** A rules document pushed now: every operator gets it, detectors first, as the matcher's output lags. */
    void pushRules(RulesUpdate update) throws Exception {
        for (var d : detectors) {
            d.processBroadcastElement(update, update.at());
        }
        forward();
        lifecycle.processBroadcastElement(update, update.at());
    }

    void processWatermark(long wm) throws Exception {
        for (var d : detectors) {
            d.processWatermark(wm);
        }
        forward();
        lifecycle.processWatermark(new Watermark(wm));
    }

    void setProcessingTime(long now) throws Exception {
        for (var d : detectors) {
            d.setProcessingTime(now);
        }
        forward();
        lifecycle.setProcessingTime(now);
    }

    void acknowledge(Acknowledgement ack) throws Exception {
        lifecycle.processElement(IncidentInput.of(ack), ack.at());
    }

    private void forward() throws Exception {
        for (int i = 0; i < detectors.size(); i++) {
            List<StreamRecord<? extends Signal>> out = detectors.get(i).extractOutputStreamRecords();
            for (int j = forwarded.get(i); j < out.size(); j++) {
                @SuppressWarnings("unchecked")
                StreamRecord<Signal> r = (StreamRecord<Signal>) out.get(j);
                lifecycle.processElement(IncidentInput.of(r.getValue()), r.getValue().eventTime());
            }
            forwarded.set(i, out.size());
        }
    }

    List<Alert> extractOutputValues() {
        return lifecycle.extractOutputValues();
    }

    List<AuditEvent> audit() {
        var out = lifecycle.getSideOutput(IncidentLifecycle.AUDIT);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    int numKeyedStateEntries() {
        return detectors.stream().mapToInt(Chain::keyedStateEntries).sum() + keyedStateEntries(lifecycle);
    }

    /** Keyed state entries of a harness on the heap backend (the broadcast harnesses do not count them). */
    static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    int numEventTimeTimers() {
        return detectors.stream().mapToInt(AbstractStreamOperatorTestHarness::numEventTimeTimers).sum()
                + lifecycle.numEventTimeTimers();
    }
}
