package com.helloyuno.widget;

import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Identity verification: a site may require that its own server vouches for the visitor, with the
 * site's identity secret, either as {@code visitor_hash} = hex HMAC-SHA256(secret, visitor_id) or as
 * {@code visitor_token}, a short-lived HS256 JWT whose {@code sub} is the visitor id.
 */
@Component
class IdentityVerifier {

    private static final Pattern VISITOR_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final WidgetSettings settings;
    private final Clock clock;

    IdentityVerifier(WidgetSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The verified visitor id, or empty when the proof is missing or wrong. */
    Optional<String> verify(
            String secret, @Nullable String visitorId, @Nullable String visitorHash, @Nullable String visitorToken) {
        if (visitorToken != null) {
            return fromToken(secret, visitorToken);
        }
        if (visitorId == null
                || visitorHash == null
                || !VISITOR_ID.matcher(visitorId).matches()) {
            return Optional.empty();
        }
        byte[] expected = hmac(secret, visitorId);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(visitorHash.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(expected, given) ? Optional.of(visitorId) : Optional.empty();
    }

    private Optional<String> fromToken(String secret, String token) {
        try {
            var claims = Jwts.parser()
                    .verifyWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)))
                    .clock(() -> Date.from(clock.instant()))
                    .clockSkewSeconds(settings.clockSkew().toSeconds())
                    .build()
                    .parseSignedClaims(token);
            if (!"HS256".equals(claims.getHeader().getAlgorithm())) {
                return Optional.empty();
            }
            var body = claims.getPayload();
            var subject = body.getSubject();
            var expires = body.getExpiration();
            // A visitor token must be short-lived, so that a leaked one is soon worthless.
            if (subject == null
                    || !VISITOR_ID.matcher(subject).matches()
                    || expires == null
                    || expires.toInstant()
                            .isAfter(clock.instant()
                                    .plus(settings.identityTokenMaxAge())
                                    .plus(settings.clockSkew()))) {
                return Optional.empty();
            }
            return Optional.of(subject);
        } catch (JwtException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static byte[] hmac(String secret, String value) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
