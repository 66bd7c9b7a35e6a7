package io.vigil.app.bench;

/**
 * One process's load during a benchmark phase.
 *
 * @param cpuPercent CPU time over the phase's wall time, in % of one core (200 % = both cores of this machine)
 * @param rssMb      resident memory at the end of the phase
 */
public record ProcessLoad(String process, double cpuPercent, long rssMb) {}
