package com.helloyuno.widget;

import com.helloyuno.site.Site;
import org.jspecify.annotations.Nullable;

/**
 * A visitor's browser with a valid widget token, as bound to the request by the widget token
 * filter; controllers of {@code /ask} and {@code /widget/leads} read it with
 * {@code @AuthenticationPrincipal}. The site is the current one, re-read on this request.
 *
 * @param domain the normalised domain the token was issued for
 * @param visitorId the visitor vouched for by the site's own server, when it requires that
 * @param ipHash a salted hash of the caller's IP address, never the address itself
 */
public record WidgetCaller(
        Site site, String domain, @Nullable String visitorId, String tokenId, String ipHash) {

    public String siteId() {
        return site.siteId();
    }

    /**
     * The principal's name, as Spring asks for it (the caller's name in a request's events and in
     * error reports): who without what. The record's own toString printed the whole site, the
     * visitor's id and the salted IP hash, and was built on every request.
     */
    @Override
    public String toString() {
        return "widget visitor of " + site.siteId();
    }
}
