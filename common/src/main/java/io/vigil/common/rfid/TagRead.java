package io.vigil.common.rfid;

import io.vigil.common.Protocol;
import java.util.Objects;

/**
 * One report of one tag by one reader antenna: the canonical event on {@code vigil.tagreads} (key = reader id).
 *
 * <p>After the gateway, {@code tagId} of a person's tag is a pseudonym ({@link TagPseudonyms}), never the tag's
 * own id; {@code group} is the site's tag group the gateway found the tag in, or null for a tag the site does not
 * declare. Times are epoch ms: {@code eventTime} drives presence and warnings, {@code receiveTime} is the gateway's.
 *
 * @param antenna 1-based antenna port; 0 when the reader did not say
 * @param rssiDbm peak signal strength in dBm, or null when the reader did not report it
 * @param reads   how many times the reader saw the tag in this report (Zebra's {@code reads}); at least 1
 */
public record TagRead(
        String readerId,
        int antenna,
        String tagId,
        Double rssiDbm,
        int reads,
        long eventTime,
        long receiveTime,
        Protocol protocol,
        TagFormat format,
        String group) {

    public TagRead {
        Objects.requireNonNull(readerId, "readerId");
        Objects.requireNonNull(tagId, "tagId");
        reads = Math.max(1, reads);
        protocol = protocol == null ? Protocol.UNKNOWN : protocol;
    }

    /** The same read with its tag id replaced (pseudonymised) and its site group set. */
    public TagRead withTag(String newTagId, String newGroup) {
        return new TagRead(readerId, antenna, newTagId, rssiDbm, reads, eventTime, receiveTime, protocol, format,
                newGroup);
    }

    /** Reader and antenna, the unit a site maps to a zone. */
    public String readPoint() {
        return readerId + "#" + antenna;
    }
}
