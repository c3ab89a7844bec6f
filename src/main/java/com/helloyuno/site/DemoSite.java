package com.helloyuno.site;

import com.helloyuno.plan.PlanType;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On an empty database, and only when {@code yuno.sites.demo} is on (the run script's local
 * profile), creates a site for {@code localhost} so that a newcomer can try the widget at once, and
 * announces it ({@link DemoSiteCreated}) so that it gets a few documents to answer from.
 */
@Component
class DemoSite {

    private static final Logger log = LoggerFactory.getLogger(DemoSite.class);

    private final SiteSettings settings;
    private final SiteService sites;
    private final ApplicationEventPublisher events;

    DemoSite(SiteSettings settings, SiteService sites, ApplicationEventPublisher events) {
        this.settings = settings;
        this.sites = sites;
        this.events = events;
    }

    @EventListener(ApplicationReadyEvent.class)
    void createWhenEmpty() {
        if (!settings.demo()) {
            return;
        }
        if (sites.count() > 0) {
            var first = sites.page(0, 1).getFirst();
            log.info("Demo: site {} ({}) is ready", first.siteId(), first.domain());
            return;
        }
        // The demo's knowledge is in English: stemmed as such.
        var created = sites.create(new SiteService.SiteDraft(
                "localhost",
                List.of(),
                false,
                null,
                PlanType.FREE,
                Theme.DARK,
                CustomConfig.DEFAULTS,
                SiteLanguage.EN));
        log.info("Demo: created site {} for localhost", created.site().siteId());
        events.publishEvent(new DemoSiteCreated(created.site().siteId()));
    }
}
