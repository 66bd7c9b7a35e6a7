package io.vigil.job.bench;

/**
 * The share of a checkpoint one job vertex wrote: {@code operator} is Flink's vertex name (chained operators joined
 * by " -> "), {@code bytes} its state size summed over its subtasks.
 */
public record OperatorState(String operator, long bytes) {}
