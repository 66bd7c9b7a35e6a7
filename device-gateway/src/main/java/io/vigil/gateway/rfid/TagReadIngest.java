package io.vigil.gateway.rfid;

import io.vigil.common.Topics;
import io.vigil.common.codec.DecodeContext;
import io.vigil.common.rfid.Site;
import io.vigil.common.rfid.TagDecodeResult;
import io.vigil.common.rfid.TagPseudonyms;
import io.vigil.common.rfid.TagRead;
import io.vigil.common.rfid.TagReadDecoder;
import io.vigil.common.serde.JsonSerde;
import io.vigil.gateway.Inbound;
import io.vigil.gateway.Ingest;
import io.vigil.gateway.IngestOutcome;
import io.vigil.gateway.coap.IngestResource;
import io.vigil.gateway.mqtt.MqttRoute;
import io.vigil.common.codec.Payloads;
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
    private final JsonSerde<TagRead> serde = JsonSerde.tagReads();

    /** @param site the site's tag groups, or null when none is configured (then every tag is pseudonymised) */
    public TagReadIngest(Ingest ingest, Site site, TagPseudonyms pseudonyms, String topic) {
        this.ingest = ingest;
        this.site = site;
        this.pseudonyms = pseudonyms;
        this.topic = topic;
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
        for (TagRead read : result.reads()) {
            records.add(serde.toBytes(classify(read)));
        }
        return new Ingest.Decoded(topic, records, result.rejections());
    }

    /** The read as it may leave the gateway: its site group set and, unless it is an asset, its id pseudonymised. */
    TagRead classify(TagRead read) {
        Optional<Site.TagGroup> group = site == null ? Optional.empty() : site.groupOf(read.tagId());
        String groupId = group.map(Site.TagGroup::id).orElse(null);
        boolean asset = group.isPresent() && !group.get().personal();
        return read.withTag(asset ? read.tagId() : pseudonyms.pseudonym(read.tagId()), groupId);
    }
}
