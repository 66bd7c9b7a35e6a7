package io.vigil.gateway.rfid;

import io.vigil.common.Topics;
import io.vigil.common.rfid.TagPseudonyms;
import java.nio.file.Path;

/**
 * What a gateway needs to take in RFID tag reads. There is no default key: a key shipped in the repository would let
 * anyone recompute pseudonyms from guessed tag ids.
 *
 * @param siteFile      the site file whose groups say which tags are assets; null = every tag is pseudonymised
 * @param pseudonymKey  HMAC key for person tag pseudonyms, at least {@value TagPseudonyms#MIN_KEY_BYTES} bytes
 * @param tagReadsTopic Kafka topic of canonical tag reads
 */
public record RfidGatewayConfig(Path siteFile, byte[] pseudonymKey, String tagReadsTopic) {

    public static RfidGatewayConfig of(Path siteFile, byte[] pseudonymKey) {
        return new RfidGatewayConfig(siteFile, pseudonymKey, Topics.TAGREADS);
    }

    public RfidGatewayConfig validate() {
        if (pseudonymKey == null || pseudonymKey.length < TagPseudonyms.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("gateway config: the RFID pseudonym key must have at least "
                    + TagPseudonyms.MIN_KEY_BYTES + " bytes");
        }
        if (tagReadsTopic == null || tagReadsTopic.isBlank()) {
            throw new IllegalArgumentException("gateway config: tagReadsTopic must be set");
        }
        return this;
    }

    @Override
    public String toString() {
        return "RfidGatewayConfig[siteFile=" + siteFile + ", pseudonymKey=(hidden), tagReadsTopic=" + tagReadsTopic + "]";
    }
}
