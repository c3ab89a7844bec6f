package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Owner keys: unguessable, recognisable by their form, stored only as a hash. */
class OwnerKeysTests {

    private final OwnerKeys keys = new OwnerKeys();

    @Test
    void aKeyIsThePrefixAnd40RandomBase62Characters() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 200; i++) {
            var key = keys.generate();
            assertThat(key).matches("ysk_[A-Za-z0-9]{40}");
            assertThat(OwnerKeys.looksLikeOwnerKey(key)).isTrue();
            seen.add(key);
        }
        assertThat(seen).hasSize(200);
        assertThat(keys.randomString(7)).matches("[A-Za-z0-9]{7}");
        assertThat(keys.randomString(0)).isEmpty();
    }

    @Test
    void onlyTheOwnerKeyFormLooksLikeAnOwnerKey() {
        var body = "A".repeat(40);

        assertThat(OwnerKeys.looksLikeOwnerKey("ysk_" + body)).isTrue();
        assertThat(OwnerKeys.looksLikeOwnerKey("ysk_" + body.substring(1))).isFalse();
        assertThat(OwnerKeys.looksLikeOwnerKey("ysk_" + body + "A")).isFalse();
        assertThat(OwnerKeys.looksLikeOwnerKey("ysx_" + body)).isFalse();
        assertThat(OwnerKeys.looksLikeOwnerKey(body + "ABCD")).isFalse();
        assertThat(OwnerKeys.looksLikeOwnerKey("")).isFalse();
    }

    @Test
    void theStoredFormIsTheHexSha256OfTheKey() throws Exception {
        var key = "ysk_" + "A".repeat(40);
        var expected = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(OwnerKeys.hash(key)).isEqualTo(expected).hasSize(64).doesNotContain(key.substring(4));
        assertThat(OwnerKeys.hash("ysk_" + "B".repeat(40))).isNotEqualTo(expected);
    }
}
