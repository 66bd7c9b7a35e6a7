package io.vigil.job.rfid;

import io.vigil.common.Alert;
import io.vigil.common.incident.Acknowledgement;
import io.vigil.common.incident.AuditEvent;
import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagRead;
import io.vigil.job.Acknowledgements;
import io.vigil.job.EventTime;
import io.vigil.job.Nothing;
import io.vigil.job.detect.IncidentInput;
import io.vigil.job.detect.IncidentLifecycle;
import io.vigil.job.detect.Signal;
import io.vigil.job.rules.LiveRules;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The RFID pipeline, separate from the readings pipeline of {@link io.vigil.job.VigilJob}: tag reads → presence per
 * tag → the warning detectors (occupancy per zone; intrusion and hazardous material per transition; dwell and
 * missing assets per tag; mustering per site) → signals → its own {@link IncidentLifecycle} with the
 * {@link RfidRules} → alerts to the same alert sinks. Same operator type, phases, incident ids and reports as the
 * readings' incidents; its own instance, so the two pipelines' rule sets and watermarks stay apart. Operator uids
 * are fixed for restores. Duty officers' acknowledgements of RFID incidents come from the same control topic as
 * the readings' and reach this lifecycle keyed by the incident's series, as in the readings' lifecycle.
 */
public final class RfidJob {
    /** The uid of the tag reads source's operator. */
    public static final String TAGREADS_SOURCE = "tagreads-source";

    private RfidJob() {}

    /** The pipeline without evacuation triggers: no mustering. */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<TagRead, ?, ?> tagReads,
                                          WatermarkStrategy<TagRead> watermarks, Sink<PresenceEvent> presenceSink,
                                          List<Sink<Alert>> alertSinks, Site site, PresenceSettings presence,
                                          Duration closeAfter) {
        return build(env, tagReads, watermarks, presenceSink, alertSinks, site, presence, closeAfter, null, null);
    }

    /** The pipeline without acknowledgements or audit sinks. */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<TagRead, ?, ?> tagReads,
                                          WatermarkStrategy<TagRead> watermarks, Sink<PresenceEvent> presenceSink,
                                          List<Sink<Alert>> alertSinks, Site site, PresenceSettings presence,
                                          Duration closeAfter, DataStream<Alert> triggers, RfidSeries series) {
        return build(env, tagReads, watermarks, presenceSink, alertSinks, site, presence, closeAfter, triggers, series,
                null, List.of());
    }

    /**
     * Adds the pipeline to {@code env}; returns the RFID alert stream (already connected to {@code alertSinks}).
     *
     * @param closeAfter an occupancy incident stays RECOVERING this long below its warning level before CLOSED
     * @param triggers   alerts that may start an evacuation (the readings pipeline's alert stream); with the site's
     *                   {@code evacuation} plan they drive the muster. Null, or a site without a plan: no mustering
     * @param series     occupancy and read-rate series sinks; null for none
     * @param control    the control messages (vigil.control); the acknowledgements of RFID incidents among them are
     *                   applied, the rest ignored. Null: none
     * @param auditSinks get the lifecycle's audit records (an acknowledgement applied)
     */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Source<TagRead, ?, ?> tagReads,
                                          WatermarkStrategy<TagRead> watermarks, Sink<PresenceEvent> presenceSink,
                                          List<Sink<Alert>> alertSinks, Site site, PresenceSettings presence,
                                          Duration closeAfter, DataStream<Alert> triggers, RfidSeries series,
                                          Source<ControlMessage, ?, ?> control, List<Sink<AuditEvent>> auditSinks) {
        DataStream<TagRead> reads = env.fromSource(tagReads, watermarks, "tagreads").uid(TAGREADS_SOURCE);
        DataStream<PresenceEvent> transitions = reads
                .keyBy(TagRead::tagId)
                .process(new PresenceTracker(site, presence)).name("rfid-presence").uid("rfid-presence");
        transitions.sinkTo(presenceSink).name("rfid-presence-sink").uid("rfid-presence-sink");

        DataStream<OccupancyChange> changes = transitions
                .flatMap((PresenceEvent e, Collector<OccupancyChange> out) -> OccupancyChange.of(e).forEach(out::collect))
                .returns(OccupancyChange.class).name("rfid-occupancy-changes").uid("rfid-occupancy-changes");
        if (series != null) {
            series.attach(reads, changes, site);
        }
        DataStream<Signal> occupancy = changes
                .keyBy(OccupancyChange::zone)
                .process(new ZoneOccupancy(site, closeAfter)).name("rfid-zone-occupancy").uid("rfid-zone-occupancy");
        DataStream<Signal> transitionWarnings = transitions.flatMap(new PresenceWarnings(site))
                .name("rfid-intrusion-hazmat").uid("rfid-intrusion-hazmat");
        DataStream<Signal> dwell = transitions.keyBy(PresenceEvent::tagId)
                .process(new DwellWatch(site)).name("rfid-dwell").uid("rfid-dwell");
        String siteId = site.id();
        DataStream<PresenceEvent> assetEvidence = transitions;
        if (ExpectedAssets.any(site)) {
            // assets declared by id are expected at home from the site's first transition, read or not
            assetEvidence = transitions.union(transitions.keyBy(e -> siteId)
                    .process(new ExpectedAssets(site)).name("rfid-expected-assets").uid("rfid-expected-assets"));
        }
        DataStream<Signal> missing = assetEvidence.keyBy(PresenceEvent::tagId)
                .process(new MissingAssetWatch(site)).name("rfid-missing-asset").uid("rfid-missing-asset");
        DataStream<Signal> signals = occupancy.union(transitionWarnings, dwell, missing);
        if (triggers != null && site.evacuationPlan().isPresent()) {
            DataStream<Alert> evacuations = triggers
                    .filter(a -> site.evacuation().triggeredBy().contains(a.ruleId()))
                    .name("rfid-evacuation-triggers").uid("rfid-evacuation-triggers")
                    .assignTimestampsAndWatermarks(EventTime.<Alert>wallClockInput()).name("rfid-evacuation-time")
                    .uid("rfid-evacuation-time");
            DataStream<Signal> muster = transitions.keyBy(e -> siteId)
                    .connect(evacuations.keyBy(a -> siteId))
                    .process(new Mustering(site)).name("rfid-muster").uid("rfid-muster");
            signals = signals.union(muster);
        }

        // RFID rules are fixed by the site file: the lifecycle's rules input is an empty stream following the
        // signals' time
        BroadcastStream<RulesUpdate> noRulesUpdates = signals.flatMap(new Nothing<Signal, RulesUpdate>())
                .returns(RulesUpdate.class).name("rfid-no-rules-updates").uid("rfid-no-rules-updates")
                .broadcast(LiveRules.STATE);
        DataStream<IncidentInput> input = signals.map(IncidentInput::of).name("rfid-signals").uid("rfid-signals");
        if (control != null) {
            // the readings' incidents are acknowledged in their own lifecycle: only RFID ones are routed here
            DataStream<Acknowledgement> acks = env.fromSource(control, EventTime.wallClockInput(), "rfid-control")
                    .uid("rfid-control-source")
                    .flatMap(new Acknowledgements()).name("rfid-acknowledgements").uid("rfid-acknowledgements")
                    .filter(ack -> RfidRules.owns(ack.incidentId())).name("rfid-own-acks").uid("rfid-own-acks");
            input = input.union(acks.map(IncidentInput::of).name("rfid-acks").uid("rfid-acks"));
        }
        SingleOutputStreamOperator<Alert> alerts = input
                .keyBy(IncidentInput::incidentKey)
                .connect(noRulesUpdates)
                .process(new IncidentLifecycle(RfidRules.of(closeAfter))).name("rfid-incident-lifecycle")
                .uid("rfid-incident-lifecycle");
        DataStream<AuditEvent> audit = alerts.getSideOutput(IncidentLifecycle.AUDIT);
        for (int i = 0; i < auditSinks.size(); i++) {
            audit.sinkTo(auditSinks.get(i)).name("rfid-audit-" + i).uid("rfid-audit-sink-" + i);
        }
        for (int i = 0; i < alertSinks.size(); i++) {
            alerts.sinkTo(alertSinks.get(i)).name("rfid-alerts-" + i).uid("rfid-alert-sink-" + i);
        }
        return alerts;
    }

    /** Event time = {@link TagRead#eventTime()}, per {@link EventTime#devices}. */
    public static WatermarkStrategy<TagRead> watermarks(Duration maxOutOfOrderness, Duration idleness) {
        return EventTime.devices(maxOutOfOrderness, idleness, (read, previous) -> read.eventTime());
    }
}
