package io.vigil.sim.rfid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The wire format a simulated reader speaks (docs/rfid.md). One payload holds one inventory round of one reader:
 * a JSON array in Vigil's format, objects one after another in Zebra's and Impinj's, as their event streams do.
 */
public enum ReaderFormat {
    VIGIL, ZEBRA, IMPINJ;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Zebra's IoT Connector writes the offset without a colon. */
    private static final DateTimeFormatter ZEBRA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    public byte[] encode(List<SimRead> reads) {
        if (this == VIGIL) {
            ArrayNode array = JSON.createArrayNode();
            for (SimRead r : reads) {
                array.addObject().put("reader", r.reader()).put("tag", r.tagId()).put("antenna", r.antenna())
                        .put("rssi", r.rssiDbm()).put("time", r.eventTime());
            }
            return array.toString().getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < reads.size(); i++) {
            body.append(this == ZEBRA ? zebra(reads.get(i), i + 1) : impinj(reads.get(i))).append('\n');
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode zebra(SimRead r, int eventNum) {
        ObjectNode e = JSON.createObjectNode().put("type", "SIMPLE")
                .put("timestamp", ZEBRA_TIME.format(Instant.ofEpochMilli(r.eventTime())));
        e.putObject("data").put("idHex", r.tagId()).put("antenna", r.antenna())
                .put("peakRssi", (int) Math.round(r.rssiDbm())).put("eventNum", eventNum).put("format", "epc")
                .put("reads", 1);
        return e;
    }

    private static ObjectNode impinj(SimRead r) {
        ObjectNode e = JSON.createObjectNode().put("timestamp", Instant.ofEpochMilli(r.eventTime()).toString())
                .put("hostname", r.reader()).put("eventType", "tagInventory");
        e.putObject("tagInventoryEvent").put("epcHex", r.tagId()).put("antennaPort", r.antenna())
                .put("peakRssiCdbm", Math.round(r.rssiDbm() * 100));
        return e;
    }
}
