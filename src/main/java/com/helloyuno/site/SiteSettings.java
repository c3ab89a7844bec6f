package com.helloyuno.site;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of sites.
 *
 * @param cacheTtl how long an instance trusts its cached copy of a site; changes made on another
 *     instance are seen within this time even when Redis, which carries change notices, is down
 * @param cacheMaxEntries sites (and unknown site ids) cached per instance
 * @param maxAdditionalDomains how many additional domains a site may have
 * @param maxPageSize the largest page of the site list
 * @param demo whether to create a demo site on an empty database (local runs)
 */
@Validated
@ConfigurationProperties("yuno.sites")
public record SiteSettings(
        @NotNull @DefaultValue("5s") Duration cacheTtl,
        @Min(1) @DefaultValue("10000") int cacheMaxEntries,
        @Min(0) @Max(100) @DefaultValue("20") int maxAdditionalDomains,
        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize,
        @DefaultValue("false") boolean demo) {}
