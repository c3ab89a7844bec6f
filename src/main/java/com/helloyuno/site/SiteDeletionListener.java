package com.helloyuno.site;

/**
 * Told when a site has been deleted, after its rows are gone: features that keep a site's data
 * outside PostgreSQL (rate-limit counters in Redis, say) remove it here.
 */
public interface SiteDeletionListener {

    void siteDeleted(String siteId);
}
