package io.vigil.sim.rfid;

/** One report a simulated reader antenna sends: the tag's own id (the gateway pseudonymises people). */
public record SimRead(String reader, int antenna, String tagId, double rssiDbm, long eventTime) {}
