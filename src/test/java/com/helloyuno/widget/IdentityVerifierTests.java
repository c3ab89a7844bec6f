package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A site's server vouches for its visitor; anything else it did not sign is no identity. */
class IdentityVerifierTests {

    static final String SECRET = "yis_0123456789abcdefghijklmnopqrstuvwxyzABCD";
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    final IdentityVerifier verifier = new IdentityVerifier(settings(), Clock.fixed(NOW, ZoneOffset.UTC));

    static WidgetSettings settings() {
        return new WidgetSettings(
                null,
                List.of(),
                Duration.ofHours(1),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                "yuno",
                "yuno-widget",
                60,
                1000,
                Duration.ofMinutes(10),
                10000,
                null);
    }

    @Test
    void theHmacOfTheVisitorIdWithTheSitesSecretVerifiesIt() {
        var hash = hex(IdentityVerifier.hmac(SECRET, "visitor-42"));

        assertThat(verifier.verify(SECRET, "visitor-42", hash, null)).contains("visitor-42");
        assertThat(verifier.verify(SECRET, "visitor-42", hash.toUpperCase(Locale.ROOT), null))
                .contains("visitor-42");
    }

    @Test
    void theHmacIsHmacSha256AsTheSitesServerComputesIt() throws Exception {
        var mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));

        assertThat(IdentityVerifier.hmac(SECRET, "visitor-42"))
                .isEqualTo(mac.doFinal("visitor-42".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aHashForAnotherVisitorOrWithAnotherSecretOrMalformedIsNoIdentity() {
        var other = hex(IdentityVerifier.hmac(SECRET, "visitor-43"));
        var wrongSecret = hex(IdentityVerifier.hmac("another-secret-0123456789-abcdefghijkl", "visitor-42"));
        var good = hex(IdentityVerifier.hmac(SECRET, "visitor-42"));

        assertThat(verifier.verify(SECRET, "visitor-42", other, null)).isEmpty();
        assertThat(verifier.verify(SECRET, "visitor-42", wrongSecret, null)).isEmpty();
        assertThat(verifier.verify(SECRET, "visitor-42", good.substring(0, 32), null))
                .isEmpty();
        assertThat(verifier.verify(SECRET, "visitor-42", good + "00", null)).isEmpty();
        assertThat(verifier.verify(SECRET, "visitor-42", "zz" + good.substring(2), null))
                .isEmpty();
        assertThat(verifier.verify(SECRET, "visitor-42", "", null)).isEmpty();
        assertThat(verifier.verify(SECRET, "visitor-42", null, null)).isEmpty();
        assertThat(verifier.verify(SECRET, null, good, null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "visitor 42", "visitor\n42", "visitör"})
    void aVisitorIdOutsideTheContractIsRefusedEvenWithItsRightHash(String visitorId) {
        var hash = hex(IdentityVerifier.hmac(SECRET, visitorId));

        assertThat(verifier.verify(SECRET, visitorId, hash, null)).isEmpty();
    }

    @Test
    void visitorIdsUpTo128PrintableCharactersAreAccepted() {
        var longest = "v".repeat(127) + "~";
        var tooLong = "v".repeat(129);

        assertThat(verifier.verify(SECRET, longest, hex(IdentityVerifier.hmac(SECRET, longest)), null))
                .contains(longest);
        assertThat(verifier.verify(SECRET, "!", hex(IdentityVerifier.hmac(SECRET, "!")), null))
                .contains("!");
        assertThat(verifier.verify(SECRET, tooLong, hex(IdentityVerifier.hmac(SECRET, tooLong)), null))
                .isEmpty();
    }

    @Test
    void aShortLivedVisitorTokenSignedWithTheSitesSecretVerifiesItsSubject() {
        var token = token(SECRET, "visitor-42", NOW.plus(Duration.ofMinutes(5)));

        assertThat(verifier.verify(SECRET, null, null, token)).contains("visitor-42");
        // The visitor id and hash, when also sent, do not replace the token's say.
        assertThat(verifier.verify(SECRET, "someone-else", "00", token)).contains("visitor-42");
    }

    @Test
    void aVisitorTokenIsCheckedAloneWhenItIsSent() {
        var hash = hex(IdentityVerifier.hmac(SECRET, "visitor-42"));

        assertThat(verifier.verify(SECRET, "visitor-42", hash, "not-a-token")).isEmpty();
    }

    @Test
    void aVisitorTokenMayLiveAtMostTheMaximumAgeAndTheClockSkew() {
        var longest = NOW.plus(Duration.ofMinutes(10)).plusSeconds(30);

        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "visitor-42", longest)))
                .contains("visitor-42");
        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "visitor-42", longest.plusSeconds(1))))
                .isEmpty();
        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "visitor-42", NOW.plus(Duration.ofDays(365)))))
                .isEmpty();
    }

    @Test
    void anExpiredVisitorTokenIsNoIdentityBeyondTheClockSkew() {
        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "visitor-42", NOW.minusSeconds(20))))
                .contains("visitor-42");
        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "visitor-42", NOW.minusSeconds(31))))
                .isEmpty();
    }

    @Test
    void aVisitorTokenWithoutExpiryOrSubjectOrWithABadSubjectIsNoIdentity() {
        var key = Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8));
        var noExpiry = Jwts.builder()
                .subject("visitor-42")
                .signWith(key, Jwts.SIG.HS256)
                .compact();
        var noSubject = Jwts.builder()
                .expiration(Date.from(NOW.plusSeconds(60)))
                .signWith(key, Jwts.SIG.HS256)
                .compact();

        assertThat(verifier.verify(SECRET, null, null, noExpiry)).isEmpty();
        assertThat(verifier.verify(SECRET, null, null, noSubject)).isEmpty();
        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "visitor 42", NOW.plusSeconds(60))))
                .isEmpty();
        assertThat(verifier.verify(SECRET, null, null, token(SECRET, "v".repeat(129), NOW.plusSeconds(60))))
                .isEmpty();
    }

    @Test
    void aVisitorTokenSignedWithAnotherSecretIsNoIdentity() {
        var token = token("another-secret-0123456789-abcdefghijkl", "visitor-42", NOW.plusSeconds(60));

        assertThat(verifier.verify(SECRET, null, null, token)).isEmpty();
    }

    @Test
    void onlyHs256VisitorTokensAreAcceptedEvenWithASecretLongEnoughForHs512() {
        // With 64 bytes or more of secret, jjwt itself would accept HS384 and HS512 tokens.
        var longSecret = "x".repeat(64);
        var key = Keys.hmacShaKeyFor(longSecret.getBytes(StandardCharsets.UTF_8));
        var hs512 = Jwts.builder()
                .subject("visitor-42")
                .expiration(Date.from(NOW.plusSeconds(60)))
                .signWith(key, Jwts.SIG.HS512)
                .compact();
        var hs384 = Jwts.builder()
                .subject("visitor-42")
                .expiration(Date.from(NOW.plusSeconds(60)))
                .signWith(key, Jwts.SIG.HS384)
                .compact();

        assertThat(verifier.verify(longSecret, null, null, hs512)).isEmpty();
        assertThat(verifier.verify(longSecret, null, null, hs384)).isEmpty();
        assertThat(verifier.verify(longSecret, null, null, token(longSecret, "visitor-42", NOW.plusSeconds(60))))
                .contains("visitor-42");
    }

    @Test
    void anUnsignedVisitorTokenIsNoIdentity() {
        var unsigned = Jwts.builder()
                .subject("visitor-42")
                .expiration(Date.from(NOW.plusSeconds(60)))
                .compact();

        assertThat(verifier.verify(SECRET, null, null, unsigned)).isEmpty();
    }

    static String token(String secret, String subject, Instant expires) {
        return Jwts.builder()
                .subject(subject)
                .issuedAt(Date.from(NOW))
                .expiration(Date.from(expires))
                .signWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
