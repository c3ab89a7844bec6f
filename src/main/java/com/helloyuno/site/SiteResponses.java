package com.helloyuno.site;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/** The bodies the sites API answers with. */
final class SiteResponses {

    private SiteResponses() {}

    /** A new site with its owner key, shown this once. */
    record CreatedSiteBody(@JsonUnwrapped Site site, String ownerKey) {}

    record OwnerKeyBody(String siteId, String ownerKey) {}

    record IdentitySecretBody(String siteId, String identitySecret) {}

    record SitePage(List<Site> items, int page, int size, long total) {}
}
