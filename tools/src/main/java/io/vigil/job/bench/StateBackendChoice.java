package io.vigil.job.bench;

/** Where the job keeps its keyed state: on the JVM heap, or in embedded RocksDB (off heap, on local disk). */
public enum StateBackendChoice {
    HEAP("hashmap"),
    ROCKSDB("rocksdb");

    /** The value of Flink's {@code state.backend.type}. */
    final String flinkName;

    StateBackendChoice(String flinkName) {
        this.flinkName = flinkName;
    }
}
