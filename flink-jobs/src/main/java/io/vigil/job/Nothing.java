package io.vigil.job;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * An empty stream that follows its input's watermarks: what a two-input operator gets on an input the job has
 * nothing to feed (no rules documents without a control topic), so that input never holds event time back.
 */
public final class Nothing<I, O> implements FlatMapFunction<I, O> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(I value, Collector<O> out) {}
}
