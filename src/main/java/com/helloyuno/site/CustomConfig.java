package com.helloyuno.site;

import org.jspecify.annotations.Nullable;

/**
 * A site's widget and assistant settings, stored as the {@code custom_config} JSON of the
 * original design.
 *
 * @param welcomeMessage the first message the widget shows
 * @param primaryColor {@code #RRGGBB}
 * @param botName the assistant's name, shown in the widget and used in its prompt
 * @param systemPrompt the owner's own instructions for the assistant
 * @param leadCapture whether the widget offers its contact form
 * @param leadWebhookUrl where new leads are posted, signed, if anywhere (an https URL to a public
 *     address; http only where the operator allows it)
 * @param leadNotificationEmail where new leads are mailed, if anywhere
 */
public record CustomConfig(
        String welcomeMessage,
        String primaryColor,
        WidgetPosition position,
        String botName,
        @Nullable String systemPrompt,
        boolean leadCapture,
        @Nullable String leadWebhookUrl,
        @Nullable String leadNotificationEmail) {

    public static final CustomConfig DEFAULTS = new CustomConfig(
            "Hi! How can I help you today?", "#FF6B35", WidgetPosition.BOTTOM_RIGHT, "Yuno", null, true, null, null);
}
