package com.helloyuno.site;

import com.helloyuno.plan.PlanType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tenant: one website (or a few domains) with its plan and widget settings.
 *
 * @param siteId the public id of 16 characters {@code [A-Za-z0-9]}
 * @param domain the normalised main domain
 * @param additionalDomains further normalised domains the widget may run on
 * @param allowSubdomains whether subdomains of those domains are allowed too
 */
public record Site(
        String siteId,
        String domain,
        List<String> additionalDomains,
        boolean allowSubdomains,
        @Nullable String userId,
        PlanType planType,
        boolean planActive,
        boolean widgetEnabled,
        Theme theme,
        CustomConfig customConfig,
        Instant createdAt,
        Instant updatedAt) {

    public Site {
        additionalDomains = List.copyOf(additionalDomains);
    }

    /** The main domain followed by the additional ones. */
    public List<String> domains() {
        var all = new ArrayList<String>(1 + additionalDomains.size());
        all.add(domain);
        all.addAll(additionalDomains);
        return List.copyOf(all);
    }
}
