package io.vigil.sim;

/** One value of one metric, as a simulated device measures it. */
public record Measurement(String metric, double value, String unit) {}
