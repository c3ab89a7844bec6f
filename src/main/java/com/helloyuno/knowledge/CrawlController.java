package com.helloyuno.knowledge;

import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Crawls of a site's own pages: started with 202 and a job id, then followed by polling. A crawl
 * may visit the site's domains (and their subdomains when the site allows them) as they are when
 * it starts.
 */
@RestController
@RequestMapping("/api/sites/{siteId}/crawls")
class CrawlController {

    private final SiteService sites;
    private final Crawls crawls;

    CrawlController(SiteService sites, Crawls crawls) {
        this.sites = sites;
        this.crawls = crawls;
    }

    record CrawlRequest(@Nullable String url, @Nullable Integer maxPages) {}

    record Started(UUID jobId) {}

    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    Started start(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @RequestBody CrawlRequest body) {
        var site = sites.requireAccessible(caller, siteId);
        var hosts = new AllowedHosts(Set.copyOf(site.domains()), site.allowSubdomains());
        return new Started(crawls.start(siteId, body.url(), body.maxPages(), hosts));
    }

    @GetMapping("/{jobId}")
    Crawls.Status status(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String jobId) {
        sites.requireAccessible(caller, siteId);
        var id = PathIds.uuid(jobId, () -> new KnowledgeErrors.CrawlNotFound("No such crawl job in this site."));
        return crawls.status(siteId, id);
    }
}
