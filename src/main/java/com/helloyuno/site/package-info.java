/**
 * Sites, the tenants of Yuno: their domains, plan, widget settings and owner keys, the owner and
 * operator API under {@code /api/sites}, and the cached site lookup that the hot paths
 * (authentication, {@code /ask}) read on every request. Other features look sites up through
 * {@link com.helloyuno.site.SiteService}, read them as {@link com.helloyuno.site.Site}, and check
 * hosts with {@link com.helloyuno.site.Domains}; the rest is this package's own.
 */
@Room(
        entryPoints = {
            ApiCaller.class,
            CustomConfig.class,
            DemoSiteCreated.class,
            Domains.class,
            LeadWebhookRule.class,
            Site.class,
            SiteNotFound.class,
            SiteService.class,
            Theme.class,
            WidgetPosition.class
        })
@NullMarked
package com.helloyuno.site;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
