package com.helloyuno.widget;

import io.jsonwebtoken.ClaimJwtException;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Widget tokens: HS256 JWTs bound to a site and a domain. Each secret has a {@code kid} derived
 * from it, so that a rotated secret (listed in {@code yuno.widget.previous-jwt-secrets}) keeps
 * verifying its tokens until they expire while new ones are signed with the current secret.
 * Verification accepts HS256 alone, our issuer and audience alone, and every claim present.
 */
@Component
class WidgetTokens {

    private static final Logger log = LoggerFactory.getLogger(WidgetTokens.class);
    private static final String ALGORITHM = "HS256";
    private static final Pattern KID = Pattern.compile("k[A-Za-z0-9_-]{11}");
    static final String DOMAIN = "domain";
    static final String VISITOR = "vid";

    /** What a valid token says. */
    record TokenClaims(
            String siteId, String domain, @Nullable String visitorId, String tokenId, Instant expiresAt) {}

    record IssuedToken(String token, Instant expiresAt) {}

    private final WidgetSettings settings;
    private final Clock clock;
    private final String currentKid;
    private final SecretKey currentKey;
    private final Map<String, SecretKey> verificationKeys = new LinkedHashMap<>();

    WidgetTokens(WidgetSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        byte[] secret;
        if (settings.hasJwtSecret()) {
            secret = settings.jwtSecret().getBytes(StandardCharsets.UTF_8);
        } else {
            secret = new byte[48];
            new SecureRandom().nextBytes(secret);
            log.warn("JWT_SECRET is not set: widget tokens are signed with a random secret made at start-up."
                    + " They will not survive a restart, nor verify on other instances.");
        }
        this.currentKey = Keys.hmacShaKeyFor(secret);
        this.currentKid = kid(secret);
        verificationKeys.put(currentKid, currentKey);
        for (var previous : settings.previousJwtSecrets()) {
            var bytes = previous.getBytes(StandardCharsets.UTF_8);
            verificationKeys.putIfAbsent(kid(bytes), Keys.hmacShaKeyFor(bytes));
        }
    }

    IssuedToken issue(String siteId, String domain, @Nullable String visitorId) {
        var now = clock.instant();
        var expires = now.plus(settings.tokenTtl());
        var builder = Jwts.builder()
                .header()
                .keyId(currentKid)
                .and()
                .issuer(settings.issuer())
                .audience()
                .add(settings.audience())
                .and()
                .subject(siteId)
                .claim(DOMAIN, domain)
                .id(UUID.randomUUID().toString())
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(expires));
        if (visitorId != null) {
            builder.claim(VISITOR, visitorId);
        }
        return new IssuedToken(builder.signWith(currentKey, Jwts.SIG.HS256).compact(), expires);
    }

    /** The claims of a valid token; {@link WidgetErrors.TokenExpired} or {@link WidgetErrors.TokenInvalid} otherwise. */
    TokenClaims verify(String token) {
        return verify(token, Duration.ZERO);
    }

    /**
     * Like {@link #verify(String)}, but a token that expired at most {@code grace} ago is accepted
     * too: for refreshing.
     */
    TokenClaims verify(String token, Duration grace) {
        Claims claims;
        try {
            claims = parser().parseSignedClaims(token).getPayload();
        } catch (ExpiredJwtException e) {
            // The signature was checked before the expiry was: these claims are authentic.
            var expiredAt = e.getClaims().getExpiration();
            if (grace.isZero()
                    || expiredAt == null
                    || expiredAt.toInstant().plus(grace).isBefore(clock.instant())) {
                throw new WidgetErrors.TokenExpired();
            }
            claims = e.getClaims();
        } catch (JwtException | IllegalArgumentException | ClassCastException e) {
            throw new WidgetErrors.TokenInvalid();
        }
        return checked(claims);
    }

    /**
     * The site named by a token whose signature is ours, whatever its age or other claims: for
     * deciding whether a refusal may be read by the page that sent the token, never for granting
     * anything. Empty for a token we did not sign.
     */
    Optional<String> signedSiteId(String token) {
        Claims claims;
        try {
            claims = parser().parseSignedClaims(token).getPayload();
        } catch (ClaimJwtException e) {
            // Thrown only after the signature was checked: expired or not yet valid, but ours.
            claims = e.getClaims();
        } catch (JwtException | WidgetErrors.TokenInvalid | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(claims.getSubject());
    }

    private TokenClaims checked(Claims claims) {
        var audience = claims.getAudience();
        if (!settings.issuer().equals(claims.getIssuer())
                || audience == null
                || audience.size() != 1
                || !audience.contains(settings.audience())
                || claims.getSubject() == null
                || claims.getId() == null
                || claims.getIssuedAt() == null
                || claims.getNotBefore() == null
                || claims.getExpiration() == null
                || !(claims.get(DOMAIN) instanceof String domain)) {
            throw new WidgetErrors.TokenInvalid();
        }
        // A token we issue lives tokenTtl; one that claims longer was not made by this code (a
        // misconfigured tool, a leaked secret) and must not stay valid for years. The refresh grace
        // is tolerated on top, so that tokens minted while instances briefly disagree on the
        // lifetime (a rolling change of token-ttl) are not refused. A token dated in the future
        // could extend its life the same way.
        var issuedAt = claims.getIssuedAt().toInstant();
        var expiresAt = claims.getExpiration().toInstant();
        var longest = settings.tokenTtl().plus(settings.refreshGrace());
        if (Duration.between(issuedAt, expiresAt).compareTo(longest) > 0
                || issuedAt.isAfter(clock.instant().plus(settings.clockSkew()))) {
            throw new WidgetErrors.TokenInvalid();
        }
        var visitor = claims.get(VISITOR) instanceof String v ? v : null;
        return new TokenClaims(
                claims.getSubject(),
                domain,
                visitor,
                claims.getId(),
                claims.getExpiration().toInstant());
    }

    private io.jsonwebtoken.JwtParser parser() {
        return Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(JwsHeader header) {
                        var kid = header.getKeyId();
                        if (!ALGORITHM.equals(header.getAlgorithm())
                                || kid == null
                                || !KID.matcher(kid).matches()) {
                            throw new WidgetErrors.TokenInvalid();
                        }
                        var key = verificationKeys.get(kid);
                        if (key == null) {
                            throw new WidgetErrors.TokenInvalid();
                        }
                        return key;
                    }
                })
                .clock(() -> Date.from(clock.instant()))
                .clockSkewSeconds(settings.clockSkew().toSeconds())
                .build();
    }

    /** A key id that names the secret without revealing it: 66 bits of its SHA-256. */
    static String kid(byte[] secret) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(secret);
            return "k"
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 11);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
