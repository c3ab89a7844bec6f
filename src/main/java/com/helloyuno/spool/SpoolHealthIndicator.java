package com.helloyuno.spool;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code spool} component of {@code /actuator/health}: how many writes wait for PostgreSQL,
 * how long the oldest has waited, and how many were quarantined for an operator. Always UP: the
 * spool exists so that an outage degrades nothing a visitor sees, and readiness follows
 * PostgreSQL alone; operators alert on these numbers (also metrics) instead.
 */
@Component
class SpoolHealthIndicator implements HealthIndicator {

    private final Spool spool;

    SpoolHealthIndicator(Spool spool) {
        this.spool = spool;
    }

    @Override
    public Health health() {
        var status = spool.status();
        var health =
                Health.up().withDetail("waiting", status.waiting()).withDetail("quarantined", status.quarantined());
        if (status.oldestAge() != null) {
            health.withDetail("oldest_age_seconds", status.oldestAge().toSeconds());
        }
        return health.build();
    }
}
