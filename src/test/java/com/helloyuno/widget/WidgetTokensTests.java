package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The token attack suite: everything but a well-formed, current, correctly signed token is refused. */
class WidgetTokensTests {

    static final String SECRET = "widget-test-secret-0123456789-abcdefghij";
    static final String OLD_SECRET = "previous-widget-secret-0123456789-abcdef";
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final JsonMapper JSON = JsonMapper.builder().build();

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final WidgetTokens tokens = new WidgetTokens(settings(SECRET, List.of()), clock);
    final String kid = WidgetTokens.kid(SECRET.getBytes(StandardCharsets.UTF_8));

    static WidgetSettings settings(String secret, List<String> previous) {
        return settings(secret, previous, 10000, null);
    }

    /** The tests' settings with a token cache of {@code tokenCacheMaxEntries} and an address salt. */
    static WidgetSettings settings(
            String secret, List<String> previous, int tokenCacheMaxEntries, @Nullable String ipHashSalt) {
        return new WidgetSettings(
                secret,
                previous,
                Duration.ofHours(1),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                "yuno",
                "yuno-widget",
                60,
                1000,
                Duration.ofMinutes(10),
                tokenCacheMaxEntries,
                ipHashSalt);
    }

    @Test
    void issuesATokenThatVerifies() {
        var issued = tokens.issue("a1B2c3D4e5F6g7H8", "example.com", "visitor-7");
        var claims = tokens.verify(issued.token());
        assertThat(claims.siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
        assertThat(claims.domain()).isEqualTo("example.com");
        assertThat(claims.visitorId()).isEqualTo("visitor-7");
        assertThat(claims.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        var header = decode(issued.token().split("\\.")[0]);
        assertThat(header).containsEntry("alg", "HS256").containsEntry("kid", kid);
        var payload = decode(issued.token().split("\\.")[1]);
        assertThat(payload).containsKeys("iss", "aud", "sub", "domain", "jti", "iat", "nbf", "exp");
    }

    @Test
    void refusesAlgNone() {
        var token = b64(Map.of("alg", "none", "kid", kid)) + "." + b64(validClaims()) + ".";
        assertInvalid(token);
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        assertInvalid(
                sign(Map.of("alg", "HS256", "kid", kid), validClaims(), "another-secret-0123456789-0123456789-xx"));
    }

    @Test
    void refusesRsHsConfusion() {
        // An RS256 header over an HMAC made with the shared secret, as in the classic confusion attack.
        assertInvalid(sign(Map.of("alg", "RS256", "kid", kid), validClaims(), SECRET));
        assertInvalid(sign(Map.of("alg", "HS512", "kid", kid), validClaims(), SECRET));
    }

    @Test
    void refusesATamperedPayload() {
        var good = sign(Map.of("alg", "HS256", "kid", kid), validClaims(), SECRET);
        var parts = good.split("\\.");
        var tampered = new java.util.HashMap<>(validClaims());
        tampered.put("sub", "ZZZZZZZZZZZZZZZZ");
        assertInvalid(parts[0] + "." + b64(tampered) + "." + parts[2]);
    }

    @Test
    void refusesAnExpiredToken() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("exp", NOW.minusSeconds(31).getEpochSecond());
        assertThatThrownBy(() -> tokens.verify(sign(header(), claims, SECRET)))
                .isInstanceOf(WidgetErrors.TokenExpired.class);
    }

    @Test
    void toleratesASmallClockSkewOnly() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("exp", NOW.minusSeconds(20).getEpochSecond());
        assertThat(tokens.verify(sign(header(), claims, SECRET)).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
    }

    @Test
    void refusesATokenNotYetValid() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("nbf", NOW.plusSeconds(120).getEpochSecond());
        assertInvalid(sign(header(), claims, SECRET));
    }

    @Test
    void refusesWrongIssuerOrAudience() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("iss", "someone-else");
        assertInvalid(sign(header(), claims, SECRET));
        claims = new java.util.HashMap<>(validClaims());
        claims.put("aud", "another-audience");
        assertInvalid(sign(header(), claims, SECRET));
        claims.put("aud", List.of("yuno-widget", "another-audience"));
        assertInvalid(sign(header(), claims, SECRET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "aud", "sub", "domain", "jti", "iat", "nbf", "exp"})
    void refusesATokenMissingAClaim(String claim) {
        var claims = new java.util.HashMap<>(validClaims());
        claims.remove(claim);
        assertInvalid(sign(header(), claims, SECRET));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "kunknown0000",
                "../../etc/passwd",
                "' OR 1=1 --",
                "kaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                ""
            })
    void refusesUnknownOrMaliciousKeyIds(String badKid) {
        assertInvalid(sign(Map.of("alg", "HS256", "kid", badKid), validClaims(), SECRET));
        assertInvalid(sign(Map.of("alg", "HS256"), validClaims(), SECRET));
    }

    @Test
    void refusesGarbage() {
        assertInvalid("not-a-token");
        assertInvalid("a.b.c");
        assertInvalid("");
    }

    @Test
    void aRotatedSecretKeepsVerifyingItsTokensUntilTheyExpire() {
        var before = new WidgetTokens(settings(OLD_SECRET, List.of()), clock);
        var oldToken = before.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();

        var rotated = new WidgetTokens(settings(SECRET, List.of(OLD_SECRET)), clock);
        assertThat(rotated.verify(oldToken).domain()).isEqualTo("example.com");
        var newToken = rotated.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();
        assertThat(decode(newToken.split("\\.")[0])).containsEntry("kid", kid);

        var later = new WidgetTokens(settings(SECRET, List.of(OLD_SECRET)), Clock.offset(clock, Duration.ofHours(2)));
        assertThatThrownBy(() -> later.verify(oldToken)).isInstanceOf(WidgetErrors.TokenExpired.class);

        var forgotten = new WidgetTokens(settings(SECRET, List.of()), clock);
        assertThatThrownBy(() -> forgotten.verify(oldToken)).isInstanceOf(WidgetErrors.TokenInvalid.class);
    }

    @Test
    void refreshAcceptsATokenExpiredWithinTheGracePeriodOnly() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("exp", NOW.minus(Duration.ofMinutes(4)).getEpochSecond());
        var recent = sign(header(), claims, SECRET);
        assertThat(tokens.verify(recent, Duration.ofMinutes(5)).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
        assertThatThrownBy(() -> tokens.verify(recent)).isInstanceOf(WidgetErrors.TokenExpired.class);

        claims.put("exp", NOW.minus(Duration.ofMinutes(6)).getEpochSecond());
        var old = sign(header(), claims, SECRET);
        assertThatThrownBy(() -> tokens.verify(old, Duration.ofMinutes(5)))
                .isInstanceOf(WidgetErrors.TokenExpired.class);

        var wrongIssuer = new java.util.HashMap<>(claims);
        wrongIssuer.put("exp", NOW.minus(Duration.ofMinutes(1)).getEpochSecond());
        wrongIssuer.put("iss", "evil");
        assertThatThrownBy(() -> tokens.verify(sign(header(), wrongIssuer, SECRET), Duration.ofMinutes(5)))
                .isInstanceOf(WidgetErrors.TokenInvalid.class);
    }

    @Test
    void refusesATokenThatClaimsALongerLifeThanWeIssue() {
        // Signed with the real secret, as a misconfigured tool would: valid in every other way.
        var tenYears = jjwt(NOW.minusSeconds(60), NOW.plus(Duration.ofDays(3650)));
        assertInvalid(tenYears);
        var justOver = jjwt(
                NOW.minusSeconds(60),
                NOW.minusSeconds(60).plus(Duration.ofMinutes(65)).plusSeconds(1));
        assertInvalid(justOver);
    }

    @Test
    void acceptsTheLifetimeWeIssuePlusTheRefreshGrace() {
        var longest = jjwt(NOW.minusSeconds(60), NOW.minusSeconds(60).plus(Duration.ofMinutes(65)));
        assertThat(tokens.verify(longest).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
    }

    @Test
    void refusesATokenIssuedInTheFutureBeyondTheClockSkew() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("iat", NOW.plusSeconds(120).getEpochSecond());
        assertInvalid(sign(header(), claims, SECRET));
        claims.put("iat", NOW.plusSeconds(20).getEpochSecond());
        assertThat(tokens.verify(sign(header(), claims, SECRET)).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
    }

    @Test
    void signedSiteIdReadsOurTokensWhateverTheirAgeAndNoOneElses() {
        var claims = new java.util.HashMap<>(validClaims());
        claims.put("exp", NOW.minus(Duration.ofDays(2)).getEpochSecond());
        claims.put("iat", NOW.minus(Duration.ofDays(2)).minusSeconds(3600).getEpochSecond());
        claims.put("nbf", NOW.minus(Duration.ofDays(2)).minusSeconds(3600).getEpochSecond());
        assertThat(tokens.signedSiteId(sign(header(), claims, SECRET))).contains("a1B2c3D4e5F6g7H8");
        assertThat(tokens.signedSiteId(sign(header(), validClaims(), "another-secret-0123456789-0123456789-xx")))
                .isEmpty();
        assertThat(tokens.signedSiteId(sign(Map.of("alg", "HS256", "kid", "kunknown0000"), validClaims(), SECRET)))
                .isEmpty();
        assertThat(tokens.signedSiteId("garbage")).isEmpty();
    }

    @Test
    void refusesHs512AndHs384EvenWithASecretLongEnoughForThem() {
        // jjwt accepts HS384 and HS512 when the key is long enough for them: the HS256 rule must not
        // depend on the secret being short.
        var longSecret = "a-widget-secret-long-enough-for-hs512-0123456789-0123456789-abcdef";
        var longTokens = new WidgetTokens(settings(longSecret, List.of()), clock);
        var longKid = WidgetTokens.kid(longSecret.getBytes(StandardCharsets.UTF_8));
        var key = io.jsonwebtoken.security.Keys.hmacShaKeyFor(longSecret.getBytes(StandardCharsets.UTF_8));

        for (var algorithm : List.of(io.jsonwebtoken.Jwts.SIG.HS512, io.jsonwebtoken.Jwts.SIG.HS384)) {
            var token = io.jsonwebtoken.Jwts.builder()
                    .header()
                    .keyId(longKid)
                    .and()
                    .issuer("yuno")
                    .audience()
                    .add("yuno-widget")
                    .and()
                    .subject("a1B2c3D4e5F6g7H8")
                    .claim("domain", "example.com")
                    .id("8b0b5f8e-0000-4000-8000-000000000003")
                    .issuedAt(java.util.Date.from(NOW.minusSeconds(60)))
                    .notBefore(java.util.Date.from(NOW.minusSeconds(60)))
                    .expiration(java.util.Date.from(NOW.plusSeconds(600)))
                    .signWith(key, algorithm)
                    .compact();
            assertThatThrownBy(() -> longTokens.verify(token)).isInstanceOf(WidgetErrors.TokenInvalid.class);
            assertThat(longTokens.signedSiteId(token)).isEmpty();
        }
        var ours = longTokens.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();
        assertThat(longTokens.verify(ours).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
    }

    @Test
    void withoutAConfiguredSecretEachInstanceSignsWithItsOwnRandomOne() {
        var one = new WidgetTokens(settings(null, List.of()), clock);
        var other = new WidgetTokens(settings(null, List.of()), clock);
        var token = one.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();

        assertThat(one.verify(token).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
        assertThatThrownBy(() -> other.verify(token)).isInstanceOf(WidgetErrors.TokenInvalid.class);
        // Nor is the random secret all zeros, which anyone could sign with.
        var zeros = new byte[48];
        assertThat(WidgetTokens.kid(zeros))
                .isNotEqualTo(decode(token.split("\\.")[0]).get("kid"));
    }

    /** A token made with jjwt, the way another tool holding our secret would make one. */
    private String jjwt(Instant issuedAt, Instant expiresAt) {
        return io.jsonwebtoken.Jwts.builder()
                .header()
                .keyId(kid)
                .and()
                .issuer("yuno")
                .audience()
                .add("yuno-widget")
                .and()
                .subject("a1B2c3D4e5F6g7H8")
                .claim("domain", "example.com")
                .id("8b0b5f8e-0000-4000-8000-000000000002")
                .issuedAt(java.util.Date.from(issuedAt))
                .notBefore(java.util.Date.from(issuedAt))
                .expiration(java.util.Date.from(expiresAt))
                .signWith(
                        io.jsonwebtoken.security.Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)),
                        io.jsonwebtoken.Jwts.SIG.HS256)
                .compact();
    }

    private void assertInvalid(String token) {
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(WidgetErrors.TokenInvalid.class);
        assertThatThrownBy(() -> tokens.verify(token, Duration.ofMinutes(5)))
                .isInstanceOf(WidgetErrors.TokenInvalid.class);
    }

    private Map<String, Object> header() {
        return Map.of("alg", "HS256", "kid", kid);
    }

    static Map<String, Object> validClaims() {
        return Map.of(
                "iss", "yuno",
                "aud", "yuno-widget",
                "sub", "a1B2c3D4e5F6g7H8",
                "domain", "example.com",
                "jti", "8b0b5f8e-0000-4000-8000-000000000001",
                "iat", NOW.minusSeconds(60).getEpochSecond(),
                "nbf", NOW.minusSeconds(60).getEpochSecond(),
                "exp", NOW.plusSeconds(3000).getEpochSecond());
    }

    /** A JWT made by hand, so that tests can make every kind of bad one. */
    static String sign(Map<String, Object> header, Map<String, ?> claims, String secret) {
        var signingInput = b64(header) + "." + b64(claims);
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            var signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(Map<String, ?> json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(String part) {
        return JSON.readValue(Base64.getUrlDecoder().decode(part), Map.class);
    }
}
