package com.helloyuno.site;

import com.helloyuno.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Seals the sites' identity secrets at rest: they must stay readable to check a visitor's HMAC, so
 * they cannot be hashed like owner keys, but a copy of the database alone must not give them away.
 * AES-256-GCM under {@code YUNO_SECRETS_KEY}, with the site id as associated data so that a sealed
 * secret copied onto another site does not open. Stored as {@code v1:} and the base64 of nonce and
 * ciphertext. Values stored before a key was configured, or with none, are plain text and are
 * read as they are until the secret is rotated.
 *
 * <p>Webhook secrets are sealed the same way under another {@link Purpose}, whose name joins the
 * associated data: an identity secret copied into the webhook secret's column does not open.
 */
@Component
class SecretSealer {

    private static final Logger log = LoggerFactory.getLogger(SecretSealer.class);
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** What a secret is for; part of the associated data, except for identity secrets (older). */
    enum Purpose {
        IDENTITY(""),
        WEBHOOK("/webhook");

        private final String suffix;

        Purpose(String suffix) {
            this.suffix = suffix;
        }
    }

    private final @Nullable SecretKey key;
    private final SecureRandom random = new SecureRandom();

    SecretSealer(SiteSettings settings) {
        this.key = settings.hasSecretsKey() ? new SecretKeySpec(OwnerKeys.sha256(settings.secretsKey()), "AES") : null;
        if (key == null) {
            log.warn("YUNO_SECRETS_KEY is not set: sites' identity secrets are stored unsealed");
        }
    }

    String seal(String siteId, String secret) {
        return seal(siteId, Purpose.IDENTITY, secret);
    }

    String seal(String siteId, Purpose purpose, String secret) {
        if (key == null) {
            return secret;
        }
        try {
            var nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            var cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, siteId + purpose.suffix);
            var sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            var out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The secret as the site's server knows it.
     *
     * @throws SecretUnavailable when it is sealed and this instance has no key, or another key
     */
    String open(String siteId, String stored) {
        return open(siteId, Purpose.IDENTITY, stored);
    }

    String open(String siteId, Purpose purpose, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return stored;
        }
        if (key == null) {
            log.error(
                    "The {} secret of site {} is sealed, but YUNO_SECRETS_KEY is not set",
                    purpose.name().toLowerCase(java.util.Locale.ROOT),
                    siteId);
            throw new SecretUnavailable();
        }
        try {
            var bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (bytes.length <= NONCE_BYTES) {
                throw new IllegalArgumentException("too short");
            }
            var cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(bytes, NONCE_BYTES), siteId + purpose.suffix);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            log.error(
                    "The {} secret of site {} does not open with YUNO_SECRETS_KEY (another key, or altered)",
                    purpose.name().toLowerCase(java.util.Locale.ROOT),
                    siteId);
            throw new SecretUnavailable();
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String associatedData)
            throws GeneralSecurityException {
        var cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** An identity secret that this instance cannot read: a configuration fault, not the visitor's. */
    static final class SecretUnavailable extends ApiException {
        SecretUnavailable() {
            super(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    "Visitor identity cannot be checked right now; please try again later.");
        }
    }
}
