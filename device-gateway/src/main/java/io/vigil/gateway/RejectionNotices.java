package io.vigil.gateway;

import io.vigil.common.Rejection;

/** Tells a device that one of its payloads was refused, and why; {@link #NONE} tells nobody. */
@FunctionalInterface
public interface RejectionNotices {
    RejectionNotices NONE = (in, rejection) -> {};

    /** Called once per dead letter; must not block (it runs on the ingest path). */
    void refused(Inbound in, Rejection rejection);
}
