package com.helloyuno.notify;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** A test event was asked for, but the site has no webhook URL. */
final class WebhookNotConfigured extends ApiException {

    WebhookNotConfigured() {
        super(
                HttpStatus.CONFLICT,
                "webhook_not_configured",
                "The site has no lead webhook URL; set custom_config.lead_webhook_url first.");
    }
}
