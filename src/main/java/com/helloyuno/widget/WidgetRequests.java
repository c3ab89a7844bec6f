package com.helloyuno.widget;

import com.helloyuno.id.Ids;
import com.helloyuno.site.Site;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Bodies of the widget endpoints. */
final class WidgetRequests {

    private WidgetRequests() {}

    record Authenticate(
            @NotBlank @Pattern(regexp = Ids.SITE_ID_REGEX, message = "must be 16 letters and digits")
            String siteId,

            @NotBlank @Size(max = 2048) String domain,

            @NotBlank @Pattern(regexp = "[\\x20-\\x7E]{8,128}", message = "must be 8 to 128 printable ASCII characters")
            String nonce,

            @Nullable @Size(max = 128) String visitorId,
            @Nullable @Size(max = 128) String visitorHash,
            @Nullable @Size(max = 4096) String visitorToken) {}

    record TokenBody(@Nullable @Size(max = 8192) String token) {}

    record WidgetConfig(
            String theme,
            String position,
            String primaryColor,
            String welcomeMessage,
            String botName,
            boolean leadCapture,
            Limits limits) {

        static WidgetConfig of(Site site, ChatLimits limits) {
            var config = site.customConfig();
            return new WidgetConfig(
                    site.theme().wireName(),
                    config.position().wireName(),
                    config.primaryColor(),
                    config.welcomeMessage(),
                    config.botName(),
                    config.leadCapture(),
                    new Limits(limits.maxMessageChars(), limits.maxMessages(), limits.maxTotalChars()));
        }
    }

    /**
     * The server's limits on {@code /ask} that the widget keeps to, so that it never sends what the
     * server would refuse.
     */
    record Limits(int maxMessageChars, int maxMessages, int maxTotalChars) {}

    record TokenResponse(
            String token, String tokenType, long expiresIn, Instant expiresAt, String siteId, WidgetConfig widget) {}

    record VerifyResponse(boolean valid, String siteId, String domain, Instant expiresAt, long expiresIn) {}
}
