package io.vigil.gateway.rfid;

import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.Topics;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.codec.Payloads;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagDecodeResult;
import io.vigil.common.rfid.TagPseudonyms;
import io.vigil.common.rfid.TagRead;
import io.vigil.common.rfid.TagReadDecoder;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.GatewaySecurity;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.IngestOutcome;
import io.vigil.gateway.coap.IngestResource;
import io.vigil.gateway.mqtt.MqttRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tag reads from any transport to {@code vigil.tagreads} (key = reader id), through the same {@link Ingest} path as
 * readings. Person tags are pseudonymised here, before anything leaves the gateway: every tag the site does not
 * declare in a non-personal group (assets, hazardous materials) counts as a person's, so an undeclared tag is never
 * stored in clear. Dead letters of tag-read payloads keep reason and detail but not the bytes.
 */
public final class TagReadIngest {
    private final Ingest ingest;
    private final Site site;
    private final TagPseudonyms pseudonyms;
    private final String topic;
    private final Duration maxClockAhead;
    private final Duration maxAge;
    private final JsonSerde<TagRead> serde = JsonSerde.tagReads();

    /**
     * @param site  the site's tag groups, or null when none is configured (then every tag is pseudonymised)
     * @param clock the clock policy readings get (docs/formats.md#clocks): a read timed further ahead of the gateway's
     *              clock than {@code maxClockAhead}, or older than {@code maxAge}, is refused ({@code INVALID_TIME})
     */
    public TagReadIngest(Ingest ingest, Site site, TagPseudonyms pseudonyms, String topic, GatewaySecurity clock) {
        this.ingest = ingest;
        this.site = site;
        this.pseudonyms = pseudonyms;
        this.topic = topic;
        this.maxClockAhead = clock.maxClockAhead();
        this.maxAge = clock.maxAge();
    }

    public CompletableFuture<IngestOutcome> store(Inbound in) {
        return ingest.ingest(in, this::decode, true);
    }

    public MqttRoute mqttRoute() {
        return MqttRoute.devices(Topics.MQTT_TAGREADS_PREFIX, ingest, this::store, true);
    }

    /** {@code POST /tagreads/{readerId}}, Content-Format 50 (JSON) or none. */
    public IngestResource coapResource() {
        return new IngestResource("tagreads", ingest, this::store,
                format -> format == Payloads.COAP_JSON ? TagReadDecoder.JSON : null, true);
    }

    Ingest.Decoded decode(Inbound in) {
        TagDecodeResult result = TagReadDecoder.decode(in.payload(), in.contentType(),
                new DecodeContext(in.deviceId(), in.protocol(), in.receivedAt()));
        List<byte[]> records = new ArrayList<>(result.reads().size());
        List<Rejection> rejections = new ArrayList<>(result.rejections());
        for (TagRead read : result.reads()) {
            Rejection wrongClock = clockCheck(read, in.receivedAt());
            if (wrongClock != null) {
                rejections.add(wrongClock); // one read with a wrong clock: the others of the payload go on
            } else {
                records.add(serde.toBytes(classify(read)));
            }
        }
        return new Ingest.Decoded(topic, records, rejections);
    }

    /**
     * A reader whose clock runs minutes ahead moved every zone's time at once (occupancy fell to 0, missing-asset
     * alarms followed); one far behind would be late for every warning. Readings and tag reads share one policy.
     */
    private Rejection clockCheck(TagRead read, long receivedAt) {
        long ahead = read.eventTime() - receivedAt;
        if (ahead > maxClockAhead.toMillis()) {
            return Rejection.of(RejectReason.INVALID_TIME, "tag read time is " + ahead + " ms ahead of the gateway "
                    + "clock (limit " + maxClockAhead + ")");
        }
        if (-ahead > maxAge.toMillis()) {
            return Rejection.of(RejectReason.INVALID_TIME, "tag read time is " + (-ahead) + " ms in the past (limit "
                    + maxAge + ")");
        }
        return null;
    }

    /** The read as it may leave the gateway: its site group set and, unless it is an asset, its id pseudonymised. */
    TagRead classify(TagRead read) {
        Optional<Site.TagGroup> group = site == null ? Optional.empty() : site.groupOf(read.tagId());
        String groupId = group.map(Site.TagGroup::id).orElse(null);
        boolean asset = group.isPresent() && !group.get().personal();
        return read.withTag(asset ? read.tagId() : pseudonyms.pseudonym(read.tagId()), groupId);
    }
}
