package io.vigil.job.rules;

import java.time.Duration;

/**
 * A warning of the RFID pipeline (occupancy, intrusion, dwell, ...): its detector is an operator of
 * {@link io.vigil.job.rfid.RfidJob} configured by the site file, not a rules-file block, but its signals go through
 * the same incident lifecycle as the readings' rules.
 *
 * @param clearFor every signal must stay cleared this long (event time) before a RECOVERING incident is CLOSED
 */
public record SiteWarning(String kind, Duration clearFor) implements Condition {}
