package io.vigil.job.detect;

import io.vigil.common.Alert;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Detectors and the incident lifecycle wired as in the job, each in its own harness: every signal a detector
 * emits goes on to the lifecycle before the lifecycle sees the watermark that released it.
 */
final class Chain {
    final List<KeyedOneInputStreamOperatorTestHarness<String, RuleReading, Signal>> detectors = new ArrayList<>();
    final KeyedTwoInputStreamOperatorTestHarness<String, Signal, Acknowledgement, Alert> lifecycle;
    private final List<Integer> forwarded = new ArrayList<>();

    Chain(RuleSet rules, Duration forgetAfter, EventTimeDetector... detectors) throws Exception {
        for (EventTimeDetector d : detectors) {
            this.detectors.add(ProcessFunctionTestHarnesses.forKeyedProcessFunction(d, RuleReading::key, Types.STRING));
            forwarded.add(0);
        }
        lifecycle = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new IncidentLifecycle(rules, forgetAfter),
                Signal::seriesKey, a -> Alert.seriesOf(a.incidentId()), Types.STRING);
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

    void processWatermark(long wm) throws Exception {
        for (var d : detectors) {
            d.processWatermark(wm);
        }
        forward();
        lifecycle.processBothWatermarks(new Watermark(wm));
    }

    void setProcessingTime(long now) throws Exception {
        for (var d : detectors) {
            d.setProcessingTime(now);
        }
        forward();
        lifecycle.setProcessingTime(now);
    }

    void acknowledge(Acknowledgement ack) throws Exception {
        lifecycle.processElement2(ack, ack.at());
    }

    private void forward() throws Exception {
        for (int i = 0; i < detectors.size(); i++) {
            List<StreamRecord<? extends Signal>> out = detectors.get(i).extractOutputStreamRecords();
            for (int j = forwarded.get(i); j < out.size(); j++) {
                @SuppressWarnings("unchecked")
                StreamRecord<Signal> r = (StreamRecord<Signal>) out.get(j);
                lifecycle.processElement1(r.getValue(), r.getValue().eventTime());
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
        return detectors.stream().mapToInt(KeyedOneInputStreamOperatorTestHarness::numKeyedStateEntries).sum()
                + lifecycle.numKeyedStateEntries();
    }

    int numEventTimeTimers() {
        return detectors.stream().mapToInt(KeyedOneInputStreamOperatorTestHarness::numEventTimeTimers).sum()
                + lifecycle.numEventTimeTimers();
    }
}
