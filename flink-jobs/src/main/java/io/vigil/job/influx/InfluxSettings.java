package io.vigil.job.influx;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where and how the InfluxDB sinks write.
 *
 * @param url           base URL of the InfluxDB 1.x HTTP API, e.g. {@code http://127.0.0.1:8086}
 * @param database      created on start if missing
 * @param batchSize     points per write request; a full buffer is written at once
 * @param flushInterval a non-empty buffer is written at least this often
 * @param retryTimeout  how long a write is retried while InfluxDB is unavailable before the task fails (and Flink
 *                      restarts it from the last checkpoint, so no point is dropped)
 */
public record InfluxSettings(String url, String database, int batchSize, Duration flushInterval, Duration retryTimeout)
        implements Serializable {}
