package io.vigil.sim.rfid;

/**
 * A field sensor whose readings raise the readings rule that starts an evacuation, as on a real site: a smoke
 * detector reporting over MQTT like any other device. Nobody orders the muster by hand; the readings pipeline's
 * ALARM of {@code rule} (named in the site's {@code evacuation.triggered_by}) does.
 *
 * @param rule        the readings rule its readings cross (for the truth and the reports; the rules file decides)
 * @param crossesAtMs when the value truly goes beyond the rule's limit, ms from the scenario's start
 */
public record TriggerSensor(String deviceId, String rule, String metric, String unit, String zone, double normal,
                            double alarming, long crossesAtMs) {

    /** A smoke detector: obscuration in %/m, a clean room reads about 0.1, the {@code fire} rule's limit is 4. */
    public static TriggerSensor smokeDetector(String deviceId, String zone, long crossesAtMs) {
        return new TriggerSensor(deviceId, "fire", "smoke", "%/m", zone, 0.1, 8.0, crossesAtMs);
    }

    /** The true value at {@code atMs}: smoke fills the room at once, as a fire seen by one detector does. */
    public double valueAt(long atMs) {
        return atMs < crossesAtMs ? normal : alarming;
    }
}
