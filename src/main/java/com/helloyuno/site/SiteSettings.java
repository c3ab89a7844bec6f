package com.helloyuno.site;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
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
 * @param secretsKey the key ({@code YUNO_SECRETS_KEY}, at least 32 bytes) that seals the sites'
 *     identity secrets at rest; without it they are stored as they are, and a warning says so
 * @param snapshotTtl how long the copy of a site kept in Redis lives; it serves widget requests of
 *     a site this instance has not cached while PostgreSQL is unavailable
 */
@Validated
@ConfigurationProperties("yuno.sites")
record SiteSettings(
        @NotNull @DefaultValue("5s") Duration cacheTtl,
        @Min(1) @DefaultValue("10000") int cacheMaxEntries,
        @Min(0) @Max(100) @DefaultValue("20") int maxAdditionalDomains,
        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize,
        @DefaultValue("false") boolean demo,
        @Nullable String secretsKey,
        @NotNull @DefaultValue("24h") Duration snapshotTtl) {

    /** AES-256 takes a 256-bit key; the configured text is hashed to one, so it needs as much entropy. */
    public static final int MIN_SECRETS_KEY_BYTES = 32;

    public SiteSettings {
        if (secretsKey != null && !secretsKey.isEmpty()) {
            var bytes = secretsKey.getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_SECRETS_KEY_BYTES) {
                throw new IllegalArgumentException("YUNO_SECRETS_KEY must be at least " + MIN_SECRETS_KEY_BYTES
                        + " bytes long (it has " + bytes + "); generate one with: openssl rand -base64 48");
            }
        }
    }

    public boolean hasSecretsKey() {
        return secretsKey != null && !secretsKey.isEmpty();
    }
}
