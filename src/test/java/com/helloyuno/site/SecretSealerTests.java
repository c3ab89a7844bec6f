package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class SecretSealerTests {

    private static final String KEY = "a-secrets-key-that-is-at-least-32-bytes-long!";
    private static final String SECRET = "yis_0123456789abcdefghijklmnopqrstuvwxyzABCD";

    private final SecretSealer sealer = sealer(KEY);

    @Test
    void aSealedSecretOpensForItsSiteAndShowsNothingOfItself() {
        var sealed = sealer.seal("siteAAAAAAAAAAAA", SECRET);

        assertThat(sealed).startsWith("v1:").doesNotContain(SECRET).doesNotContain(SECRET.substring(4, 12));
        assertThat(sealed.length()).isLessThanOrEqualTo(128).as("fits sites.identity_secret");
        assertThat(sealer.open("siteAAAAAAAAAAAA", sealed)).isEqualTo(SECRET);
        // A fresh nonce each time: the same secret never seals the same way twice.
        assertThat(sealer.seal("siteAAAAAAAAAAAA", SECRET)).isNotEqualTo(sealed);
    }

    @Test
    void aWebhookSecretOpensOnlyAsAWebhookSecret() {
        var webhook = sealer.seal("siteAAAAAAAAAAAA", SecretSealer.Purpose.WEBHOOK, "whsec_abc");
        assertThat(sealer.open("siteAAAAAAAAAAAA", SecretSealer.Purpose.WEBHOOK, webhook))
                .isEqualTo("whsec_abc");
        // The identity secret copied into the webhook column (or back) does not open there.
        var identity = sealer.seal("siteAAAAAAAAAAAA", SECRET);
        assertThatThrownBy(() -> sealer.open("siteAAAAAAAAAAAA", SecretSealer.Purpose.WEBHOOK, identity))
                .isInstanceOf(SecretSealer.SecretUnavailable.class);
        assertThatThrownBy(() -> sealer.open("siteAAAAAAAAAAAA", webhook))
                .isInstanceOf(SecretSealer.SecretUnavailable.class);
    }

    @Test
    void aSealedSecretDoesNotOpenForAnotherSiteWithAnotherKeyOrAltered() {
        var sealed = sealer.seal("siteAAAAAAAAAAAA", SECRET);
        var bytes = Base64.getDecoder().decode(sealed.substring(3));
        bytes[bytes.length - 1] ^= 1;
        var altered = "v1:" + Base64.getEncoder().encodeToString(bytes);

        for (var attempt : new Runnable[] {
            () -> sealer.open("siteBBBBBBBBBBBB", sealed),
            () -> sealer("another-secrets-key-of-at-least-32-bytes!!").open("siteAAAAAAAAAAAA", sealed),
            () -> sealer.open("siteAAAAAAAAAAAA", altered),
            () -> sealer.open("siteAAAAAAAAAAAA", "v1:not base64!"),
            () -> sealer(null).open("siteAAAAAAAAAAAA", sealed)
        }) {
            assertThatThrownBy(attempt::run).isInstanceOfSatisfying(SecretSealer.SecretUnavailable.class, e -> {
                assertThat(e.status().value()).isEqualTo(503);
                assertThat(e.getMessage()).doesNotContain(SECRET);
            });
        }
    }

    @Test
    void withoutAKeySecretsAreStoredAsTheyAreAndUnsealedOnesStillRead() {
        var plain = sealer(null);

        assertThat(plain.seal("siteAAAAAAAAAAAA", SECRET)).isEqualTo(SECRET);
        assertThat(plain.open("siteAAAAAAAAAAAA", SECRET)).isEqualTo(SECRET);
        // A secret stored before the key was set reads as it is until it is rotated.
        assertThat(sealer.open("siteAAAAAAAAAAAA", SECRET)).isEqualTo(SECRET);
    }

    @Test
    void aShortKeyStopsStartUp() {
        assertThatThrownBy(() -> sealer("too short"))
                .hasMessageContaining("YUNO_SECRETS_KEY must be at least 32 bytes");
    }

    @Test
    void theOperatorIsToldAtStartUpWhenSecretsAreStoredUnsealed(CapturedOutput output) {
        sealer(KEY);
        assertThat(output.getAll()).doesNotContain("stored unsealed");

        sealer(null);
        assertThat(output.getAll())
                .contains("YUNO_SECRETS_KEY is not set: sites' identity secrets are stored unsealed");
    }

    @Test
    void theOperatorIsToldWhyASealedSecretDoesNotOpen(CapturedOutput output) {
        var sealed = sealer.seal("siteAAAAAAAAAAAA", SECRET);

        assertThatThrownBy(() -> sealer(null).open("siteAAAAAAAAAAAA", sealed))
                .isInstanceOf(SecretSealer.SecretUnavailable.class);
        assertThat(output.getAll())
                .contains("is sealed, but YUNO_SECRETS_KEY is not set")
                .doesNotContain("does not open")
                .doesNotContain(SECRET);

        assertThatThrownBy(() -> sealer.open("siteBBBBBBBBBBBB", sealed))
                .isInstanceOf(SecretSealer.SecretUnavailable.class);
        assertThat(output.getAll())
                .contains("does not open with YUNO_SECRETS_KEY")
                .doesNotContain(SECRET);
    }

    @Test
    void aSealedValueTooShortToHoldANonceAndATagDoesNotOpen() {
        for (var length : new int[] {0, 1, 12, 13, 27}) {
            var value = "v1:" + Base64.getEncoder().encodeToString(new byte[length]);
            assertThatThrownBy(() -> sealer.open("siteAAAAAAAAAAAA", value))
                    .as("%d bytes", length)
                    .isInstanceOf(SecretSealer.SecretUnavailable.class);
        }
    }

    private static SecretSealer sealer(String key) {
        return new SecretSealer(
                new SiteSettings(Duration.ofSeconds(5), 100, 20, 100, false, key, Duration.ofHours(24)));
    }
}
