package io.vigil.gateway;

import io.vigil.common.Reading;
import io.vigil.common.RejectReason;
import io.vigil.common.Rejection;
import io.vigil.common.registry.DeviceRegistry;
import io.vigil.common.registry.MetricRange;
import io.vigil.common.registry.RegisteredDevice;
import io.vigil.common.codec.DecodeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gateway's checks around decoding. Before: is the device registered and enabled, and within its rate limit
 * (so a flooding device costs no decoding). After, per reading: may the device report this metric, is the value
 * physically possible, is the time plausible, was it already accepted. Site and zone always come from the
 * registry: a device speaks only for itself, whatever its payload says.
 */
public final class Admission {
    /** Open mode keeps a bucket per device id seen; beyond this many the buckets start afresh, bounding memory. */
    private static final int MAX_OPEN_MODE_BUCKETS = 100_000;
    /** Sequence numbers remembered per device (about 9 bytes each), for as many devices as open-mode buckets. */
    static final int SEQUENCE_WINDOW = 128;
    /**
     * How long after a broker connection is established readings timed before it still count as the backlog the
     * broker queued for the gateway (see {@link #queuedWhileAway}): long enough to drain a full session queue (the
     * stack's {@code max_queued_messages} of 1,000,000 at the ~15k/s one subscriber takes is about 70 s), short
     * enough that a device back-dating live readings escapes its rate limit only briefly after a reconnect.
     */
    static final Duration CATCH_UP = Duration.ofMinutes(2);

    private final Supplier<DeviceRegistry> registry;
    private final GatewaySecurity security;
    private final LongSupplier nanoClock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    /** Per device: the broker connection its catch-up allowance belongs to, and what is left of it. */
    private final Map<String, long[]> catchUp = new ConcurrentHashMap<>();
    private final RecentKeys recent;
    private final RecentSequences sequences = new RecentSequences(SEQUENCE_WINDOW, MAX_OPEN_MODE_BUCKETS);

    /** @param registry the current registry, or null to accept any device (development) */
    public Admission(Supplier<DeviceRegistry> registry, GatewaySecurity security, LongSupplier nanoClock) {
        this.registry = registry;
        this.security = security;
        this.nanoClock = nanoClock;
        this.recent = new RecentKeys(security.duplicateWindow());
    }

    public Admission(Supplier<DeviceRegistry> registry, GatewaySecurity security) {
        this(registry, security, System::nanoTime);
    }

    /**
     * A reading that passed, with site and zone from the registry, or why it did not; or neither when an earlier copy
     * of it is still on its way to Kafka ({@code inFlight}): whether that copy gets stored is not known yet, so this
     * one is neither accepted nor a duplicate, and its transport must retry it later.
     */
    public record Verdict(Reading reading, Rejection rejection, boolean inFlight) {
        public Verdict(Reading reading, Rejection rejection) {
            this(reading, rejection, false);
        }
    }

    /** What the gateway knows of an earlier copy of a reading (same device time or same seq). */
    enum Claim { NEW, IN_FLIGHT, STORED }

    /** Checks a payload before decoding; null when it may be decoded. */
    public Rejection admit(Inbound in) {
        return admit(in, () -> null);
    }

    /**
     * As {@link #admit(Inbound)}, but what the broker queued for the gateway while it was away is not charged to the
     * rate limit ({@link #queuedWhileAway}); nor is a payload the broker redelivers (MQTT DUP): the broker sends it
     * again because the gateway's acknowledgement of an earlier delivery did not reach it (or the gateway died
     * first), not because the device sent it twice, and at most the receive maximum of them are outstanding per
     * connection. Charged, either would use up the allowance of the live readings queued behind it, and refused as
     * a flood, it would be lost although the broker acknowledged it to the device.
     *
     * @param decoding decodes the payload (null when it holds no readings); asked only soon after a broker
     *                 connection, so in steady state a flooding device costs no decoding
     */
    public Rejection admit(Inbound in, Supplier<DecodeResult> decoding) {
        if (registry != null) {
            Optional<RegisteredDevice> device = registry.get().find(in.deviceId());
            if (device.isEmpty()) {
                return Rejection.of(RejectReason.UNKNOWN_DEVICE, "device '" + in.deviceId() + "' is not registered");
            }
            if (device.get().revoked()) {
                return Rejection.of(RejectReason.DEVICE_REVOKED, "device '" + in.deviceId() + "' is revoked");
            }
        }
        if (security.ratePerSecond() > 0 && !in.redelivered() && !queuedWhileAway(in, decoding)
                && !bucketOf(in.deviceId()).take(nanoClock.getAsLong()) && !catchingUp(in)) {
            return Rejection.of(RejectReason.RATE_LIMITED, "device '" + in.deviceId() + "' exceeds "
                    + security.ratePerSecond() + " payloads/s (burst " + security.rateBurst() + ")");
        }
        return null;
    }

    /** Whether {@code in} came from a broker connection made at most {@link #CATCH_UP} before it arrived. */
    private static boolean soonAfterConnecting(Inbound in) {
        return in.connectedAt() > 0 && in.receivedAt() - in.connectedAt() <= CATCH_UP.toMillis();
    }

    /**
     * Whether a payload is the backlog the broker queued in the gateway's session while the gateway was away
     * (killed, restarting, or cut off from a restarted broker), which the broker then delivers at once: every
     * reading carries its own time from before the connection that delivered it, and it arrived within
     * {@link #CATCH_UP} of that connection. Its arrival rate says how long the gateway was away, not how fast the
     * device sent. Readings without their own time give no such evidence.
     */
    static boolean queuedWhileAway(Inbound in, Supplier<DecodeResult> decoding) {
        if (!soonAfterConnecting(in)) {
            return false;
        }
        DecodeResult decoded = decoding.get();
        if (decoded == null || decoded.readings().isEmpty()) {
            return false;
        }
        for (int i = 0; i < decoded.readings().size(); i++) {
            if (decoded.untimed(i) || decoded.readings().get(i).eventTime() >= in.connectedAt()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a payload beyond the device's rate may spend its catch-up allowance: readings without their own time
     * give no evidence of having been queued, yet the broker delivers a device's time-less backlog just as fast. So
     * within {@link #CATCH_UP} of a broker connection, each device may go beyond its rate by once CATCH_UP's worth of
     * it (50/s × 120 s = 6,000 payloads by default): all a device within its rate queued over an outage of two
     * minutes at its full rate, and much longer at the pace of a field sensor (100 minutes at one reading a second).
     * A flooding device gains that much once per gateway connection, never more.
     */
    private boolean catchingUp(Inbound in) {
        if (!soonAfterConnecting(in)) {
            return false;
        }
        if (catchUp.size() > MAX_OPEN_MODE_BUCKETS && !catchUp.containsKey(in.deviceId())) {
            catchUp.clear();
        }
        boolean[] allowed = new boolean[1];
        catchUp.compute(in.deviceId(), (id, left) -> {
            if (left == null || left[0] != in.connectedAt()) { // a new connection: a fresh allowance
                left = new long[] {in.connectedAt(), catchUpAllowance()};
            }
            allowed[0] = left[1] > 0;
            if (allowed[0]) {
                left[1]--;
            }
            return left;
        });
        return allowed[0];
    }

    /** Payloads a device may go beyond its rate while the gateway catches up after a broker connection. */
    private long catchUpAllowance() {
        return (long) (security.ratePerSecond() * CATCH_UP.toSeconds());
    }

    /**
     * Checks the readings of one decoded payload. Beyond {@link #check(Reading, boolean)}, a reading whose
     * {@code seq} the device already used in an earlier payload is DUPLICATE: a sequence number counts a device's
     * messages, so readings of one payload may share it.
     */
    public List<Verdict> check(DecodeResult decoded) {
        List<Reading> readings = decoded.readings();
        List<Verdict> verdicts = new ArrayList<>(readings.size());
        Map<Long, Claim> claimedInThisPayload = new HashMap<>();
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            boolean untimed = decoded.untimed(i);
            Verdict v = check(r, untimed);
            Claim claim = v.rejection() != null || v.inFlight() || r.seq() == null ? Claim.NEW
                    : claimedInThisPayload.computeIfAbsent(r.seq(), seq -> sequences.claim(r.deviceId(), seq));
            if (claim != Claim.NEW) {
                if (!untimed) {
                    recent.remove(key(r)); // it was not accepted after all
                }
                v = claim == Claim.IN_FLIGHT ? new Verdict(null, null, true) : refuse(RejectReason.DUPLICATE,
                        "seq " + r.seq() + " was already used by device '" + r.deviceId() + "' (among its last "
                        + SEQUENCE_WINDOW + ")");
            }
            verdicts.add(v);
        }
        return verdicts;
    }

    /**
     * @param untimed the reading had no time of its own and the decoder gave it the receive time
     *                ({@link DecodeResult#untimed}): such readings cannot be told apart as repeats by their time
     */
    public Verdict check(Reading r, boolean untimed) {
        Reading reading = r;
        DeviceRegistry current = registry == null ? null : registry.get();
        if (current != null) {
            Optional<RegisteredDevice> found = current.find(r.deviceId());
            if (found.isEmpty()) {
                // revoked or removed between admit and check: refuse rather than attribute it to nowhere
                return refuse(RejectReason.UNKNOWN_DEVICE, "device '" + r.deviceId() + "' is not registered");
            }
            RegisteredDevice device = found.get();
            // SenML names often carry the sender ("gauge-7/level"); the decoder strips the device's own id, so a
            // name still led by another registered device is a device speaking for someone else
            int slash = r.metric().indexOf('/');
            if (slash > 0 && current.find(r.metric().substring(0, slash)).isPresent()) {
                return refuse(RejectReason.DEVICE_MISMATCH, "name '" + r.metric() + "' names device '"
                        + r.metric().substring(0, slash) + "' but the sender is '" + r.deviceId() + "'");
            }
            if (!device.allowsMetric(r.metric())) {
                return refuse(RejectReason.METRIC_NOT_ALLOWED, "device '" + r.deviceId() + "' may not report '"
                        + r.metric() + "'; allowed: " + device.metrics());
            }
            Optional<MetricRange> range = current.range(r.metric());
            if (range.isPresent() && !range.get().contains(r.value())) {
                return refuse(RejectReason.OUT_OF_RANGE, "'" + r.metric() + "' = " + r.value() + " is outside "
                        + range.get().min() + ".." + range.get().max());
            }
            reading = new Reading(r.deviceId(), device.site(), device.zone(), r.metric(), r.value(), r.unit(),
                    r.eventTime(), r.receiveTime(), r.protocol(), r.seq());
        }
        if (!Double.isFinite(r.value())) {
            return refuse(RejectReason.INVALID_VALUE, "value is " + r.value());
        }
        long ahead = r.eventTime() - r.receiveTime();
        if (ahead > security.maxClockAhead().toMillis()) {
            return refuse(RejectReason.INVALID_TIME, "time is " + ahead + " ms ahead of the gateway clock (limit "
                    + security.maxClockAhead() + ")");
        }
        if (-ahead > security.maxAge().toMillis()) {
            return refuse(RejectReason.INVALID_TIME, "time is " + (-ahead) + " ms in the past (limit "
                    + security.maxAge() + ")");
        }
        // Asked of the decoder, not guessed from eventTime == receiveTime: a device's own time can equal the receive
        // millisecond, and its repeat (received later) would then be stored again
        Claim claim = untimed ? Claim.NEW : recent.add(key(r));
        if (claim == Claim.IN_FLIGHT) {
            return new Verdict(null, null, true);
        }
        if (claim == Claim.STORED) {
            return refuse(RejectReason.DUPLICATE, "'" + r.metric() + "' at " + r.eventTime()
                    + " was already accepted from this device");
        }
        return new Verdict(reading, null);
    }

    /** Kafka took the reading: from now on a repeat of it is a DUPLICATE, no longer in flight. */
    public void stored(Reading r) {
        recent.stored(key(r));
        if (r.seq() != null) {
            sequences.stored(r.deviceId(), r.seq());
        }
    }

    /** Kafka did not take the reading: forget it, so the transport's retry is not refused as a duplicate. */
    public void forget(Reading r) {
        recent.remove(key(r));
        if (r.seq() != null) {
            sequences.release(r.deviceId(), r.seq());
        }
    }

    private static Verdict refuse(RejectReason reason, String detail) {
        return new Verdict(null, Rejection.of(reason, detail));
    }

    private static String key(Reading r) {
        return r.deviceId() + '\u0000' + r.metric() + '\u0000' + r.eventTime();
    }

    private TokenBucket bucketOf(String deviceId) {
        if (registry == null && buckets.size() > MAX_OPEN_MODE_BUCKETS && !buckets.containsKey(deviceId)) {
            buckets.clear();
        }
        return buckets.computeIfAbsent(deviceId,
                id -> new TokenBucket(security.ratePerSecond(), security.rateBurst(), nanoClock.getAsLong()));
    }

    /** Tokens refill continuously at {@code rate}/s up to {@code burst}; each payload takes one. */
    static final class TokenBucket {
        private final double ratePerNano;
        private final double burst;
        private double tokens;
        private long last;

        TokenBucket(double ratePerSecond, int burst, long now) {
            this.ratePerNano = ratePerSecond / 1e9;
            this.burst = burst;
            this.tokens = burst;
            this.last = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - last) * ratePerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** A bounded set of recently accepted keys, each stored or still in flight; the oldest falls out first. */
    static final class RecentKeys {
        private final int capacity;
        private final Map<String, Boolean> keys;

        RecentKeys(int capacity) {
            this.capacity = capacity;
            this.keys = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > RecentKeys.this.capacity;
                }
            };
        }

        synchronized Claim add(String key) {
            if (capacity == 0) {
                return Claim.NEW;
            }
            Boolean stored = keys.putIfAbsent(key, Boolean.FALSE);
            return stored == null ? Claim.NEW : stored ? Claim.STORED : Claim.IN_FLIGHT;
        }

        synchronized void stored(String key) {
            keys.replace(key, Boolean.TRUE);
        }

        synchronized void remove(String key) {
            keys.remove(key);
        }
    }
}
