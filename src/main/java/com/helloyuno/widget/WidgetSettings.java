package com.helloyuno.widget;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of widget tokens.
 *
 * @param jwtSecret the HMAC secret ({@code JWT_SECRET}), at least 32 bytes; when empty, a random
 *     secret is made at start-up, which is fine for one local instance but means that tokens do not
 *     survive a restart and are not accepted by other instances
 * @param previousJwtSecrets secrets rotated out that still verify tokens until those expire
 * @param tokenTtl how long a token lives
 * @param refreshGrace how long after expiry a token may still be refreshed
 * @param clockSkew the tolerance for clocks that disagree
 * @param authenticationsPerIpPerMinute how many tokens one IP address may mint per minute
 * @param nonceCacheMaxEntries nonces remembered per instance while Redis is unreachable
 * @param identityTokenMaxAge the longest life a site's visitor token may claim
 * @param tokenCacheMaxEntries widget tokens remembered as verified, per instance, so that a
 *     visitor's next requests skip the signature check until the token expires; 0 turns it off
 * @param ipHashSalt salt of the hashes that stand for IP addresses in logs; random per start when
 *     empty
 */
@Validated
@ConfigurationProperties("yuno.widget")
record WidgetSettings(
        @Nullable String jwtSecret,
        @DefaultValue List<String> previousJwtSecrets,
        @NotNull @DefaultValue("1h") Duration tokenTtl,
        @NotNull @DefaultValue("5m") Duration refreshGrace,
        @NotNull @DefaultValue("30s") Duration clockSkew,
        @NotBlank @DefaultValue("yuno") String issuer,
        @NotBlank @DefaultValue("yuno-widget") String audience,
        @Min(1) @DefaultValue("60") int authenticationsPerIpPerMinute,
        @Min(100) @DefaultValue("100000") int nonceCacheMaxEntries,
        @NotNull @DefaultValue("10m") Duration identityTokenMaxAge,
        @Min(0) @DefaultValue("10000") int tokenCacheMaxEntries,
        @Nullable String ipHashSalt) {

    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    public WidgetSettings {
        if (jwtSecret != null && !jwtSecret.isEmpty()) {
            requireLongEnough("JWT_SECRET", jwtSecret);
        }
        for (var previous : previousJwtSecrets) {
            requireLongEnough("a previous JWT secret", previous);
        }
    }

    private static void requireLongEnough(String name, String secret) {
        var bytes = secret.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(name + " must be at least " + MIN_SECRET_BYTES + " bytes long (it has "
                    + bytes + "); generate one with: openssl rand -base64 48");
        }
    }

    public boolean hasJwtSecret() {
        return jwtSecret != null && !jwtSecret.isEmpty();
    }
}
