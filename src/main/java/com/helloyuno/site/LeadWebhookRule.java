package com.helloyuno.site;

/**
 * Checks a lead webhook URL before a site stores it. Implemented by the feature that sends the
 * webhooks, which knows what its connections may reach, so that sites need not depend on it.
 */
public interface LeadWebhookRule {

    /**
     * @param field the request field, for the problem document
     * @throws com.helloyuno.problem.InvalidRequest naming {@code field} when the URL may not be used
     */
    void check(String field, String url);
}
