package io.vigil.job.alertmanager;

import io.vigil.common.Alert;

/**
 * One entry of the Alertmanager writer's checkpointed state: the last alert of an incident still open
 * ({@link Kind#ACTIVE}, re-sent every resend interval), or a notice Alertmanager has not yet taken
 * ({@link Kind#UNSENT}: {@code alert} with {@code endsAt}, null while the label set is active).
 */
public record AlertmanagerState(Kind kind, Alert alert, Long endsAt) {
    public enum Kind { ACTIVE, UNSENT }

    static AlertmanagerState active(Alert alert) {
        return new AlertmanagerState(Kind.ACTIVE, alert, null);
    }

    static AlertmanagerState unsent(Alert alert, Long endsAt) {
        return new AlertmanagerState(Kind.UNSENT, alert, endsAt);
    }
}
