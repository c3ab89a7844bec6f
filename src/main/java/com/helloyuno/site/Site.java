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
 * @param identityRequired whether the widget must present a visitor signed by the site's server
 * @param language the language of the site's knowledge, which decides how its text is indexed for
 *     search (stemming, stop words); {@code null}: not said, indexed word for word
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
        boolean identityRequired,
        @Nullable SiteLanguage language,
        Instant createdAt,
        Instant updatedAt) {

    public Site {
        additionalDomains = List.copyOf(additionalDomains);
    }

    /** Whether the widget may be used now: the plan is active and the owner has it enabled. */
    public boolean serving() {
        return planActive && widgetEnabled;
    }

    /** Whether a normalised host is one of the site's domains or, if allowed, a subdomain of one. */
    public boolean allowsHost(String host) {
        for (var domain : domains()) {
            if (Domains.matches(host, domain, allowSubdomains)) {
                return true;
            }
        }
        return false;
    }

    /** The main domain followed by the additional ones. */
    public List<String> domains() {
        var all = new ArrayList<String>(1 + additionalDomains.size());
        all.add(domain);
        all.addAll(additionalDomains);
        return List.copyOf(all);
    }
}
