package io.vigil.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sequence numbers each device used recently, to refuse a repeated one (a replay or a retransmission).
 * Memory is bounded twice: each device remembers only its last {@code perDevice} numbers (a ring of longs,
 * 8 bytes each), and once more than {@code maxDevices} devices are tracked the windows start afresh. A number
 * that has fallen out of a device's window is accepted again, so a device that restarts its counter is not locked
 * out.
 */
final class RecentSequences {
    private final int perDevice;
    private final int maxDevices;
    private final Map<String, Ring> byDevice = new ConcurrentHashMap<>();

    RecentSequences(int perDevice, int maxDevices) {
        this.perDevice = perDevice;
        this.maxDevices = maxDevices;
    }

    /** Records {@code seq} for the device, in flight; NEW unless it is already in the device's window. */
    Admission.Claim claim(String deviceId, long seq) {
        if (perDevice == 0) {
            return Admission.Claim.NEW;
        }
        if (byDevice.size() >= maxDevices && !byDevice.containsKey(deviceId)) {
            byDevice.clear();
        }
        return byDevice.computeIfAbsent(deviceId, id -> new Ring(perDevice)).claim(seq);
    }

    /** Marks a claim as stored in Kafka. */
    void stored(String deviceId, long seq) {
        Ring ring = byDevice.get(deviceId);
        if (ring != null) {
            ring.stored(seq);
        }
    }

    /** Forgets a claim, so the transport's retry after a failed Kafka write is not refused. */
    void release(String deviceId, long seq) {
        Ring ring = byDevice.get(deviceId);
        if (ring != null) {
            ring.release(seq);
        }
    }

    /** The last numbers of one device, oldest overwritten first; a linear scan is cheap at this size. */
    private static final class Ring {
        private final long[] seqs;
        private final boolean[] used;
        private final boolean[] stored;
        private int next;

        Ring(int size) {
            seqs = new long[size];
            used = new boolean[size];
            stored = new boolean[size];
        }

        synchronized Admission.Claim claim(long seq) {
            int i = indexOf(seq);
            if (i >= 0) {
                return stored[i] ? Admission.Claim.STORED : Admission.Claim.IN_FLIGHT;
            }
            seqs[next] = seq;
            used[next] = true;
            stored[next] = false;
            next = (next + 1) % seqs.length;
            return Admission.Claim.NEW;
        }

        synchronized void stored(long seq) {
            int i = indexOf(seq);
            if (i >= 0) {
                stored[i] = true;
            }
        }

        synchronized void release(long seq) {
            int i = indexOf(seq);
            if (i >= 0) {
                used[i] = false;
            }
        }

        private int indexOf(long seq) {
            for (int i = 0; i < seqs.length; i++) {
                if (used[i] && seqs[i] == seq) {
                    return i;
                }
            }
            return -1;
        }
    }
}
