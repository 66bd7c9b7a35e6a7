package io.vigil.job.series;

import io.vigil.common.Alert;
import io.vigil.common.Reading;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.rules.LiveRules;
import io.vigil.job.rules.RuleSet;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * The readings pipeline's one keyed operator, the {@link SeriesEvaluator}, in a harness wired as in the job:
 * readings and acknowledgements on the keyed input, rules documents on the broadcast input, which never holds
 * event time back.
 */
public final class SeriesHarness {
    public final KeyedBroadcastOperatorTestHarness<String, SeriesInput, RulesUpdate, Alert> evaluator;

    public SeriesHarness(RuleSet rules) throws Exception {
        this(rules, IncidentLifecycle.DEFAULT_FORGET_AFTER);
    }

    public SeriesHarness(RuleSet rules, Duration forgetAfter) throws Exception {
        this(new SeriesEvaluator(rules, false, io.vigil.job.anomaly.AnomalySettings.defaults(), forgetAfter));
    }

    public SeriesHarness(SeriesEvaluator evaluator) throws Exception {
        this(ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(evaluator, SeriesInput::seriesKey,
                Types.STRING, LiveRules.STATE));
    }

    private SeriesHarness(KeyedBroadcastOperatorTestHarness<String, SeriesInput, RulesUpdate, Alert> harness) throws Exception {
        this.evaluator = harness;
        // as in the job: the control stream never holds event time back
        this.evaluator.processBroadcastWatermark(Long.MAX_VALUE);
    }

    /** A new evaluator restored from a snapshot of another one, as after a restart. */
    public static SeriesHarness restored(SeriesEvaluator evaluator, OperatorSubtaskState snapshot) throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(evaluator,
                List.of(LiveRules.STATE)), SeriesInput::seriesKey, Types.STRING, 1, 1, 0);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        return new SeriesHarness(h);
    }

    public void processElement(Reading r, long ts) throws Exception {
        evaluator.processElement(SeriesInput.of(r), ts);
    }

    /** A rules document pushed now. */
    public void pushRules(RulesUpdate update) throws Exception {
        evaluator.processBroadcastElement(update, update.at());
    }

    public void processWatermark(long wm) throws Exception {
        evaluator.processWatermark(new Watermark(wm));
    }

    public void setProcessingTime(long now) throws Exception {
        evaluator.setProcessingTime(now);
    }

    /** Routed as the job routes it: to every series its incident id can name. */
    public void acknowledge(Acknowledgement ack) throws Exception {
        for (SeriesInput in : SeriesInput.routes(ack)) {
            evaluator.processElement(in, ack.at());
        }
    }

    public List<Alert> extractOutputValues() {
        return evaluator.extractOutputValues();
    }

    public List<AuditEvent> audit() {
        var out = evaluator.getSideOutput(SeriesEvaluator.AUDIT);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    public int numKeyedStateEntries() {
        return keyedStateEntries(evaluator);
    }

    /** Keyed state entries of a harness on the heap backend (the broadcast harnesses do not count them). */
    public static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    public int numEventTimeTimers() {
        return evaluator.numEventTimeTimers();
    }

    public int numProcessingTimeTimers() {
        return evaluator.numProcessingTimeTimers();
    }
}
