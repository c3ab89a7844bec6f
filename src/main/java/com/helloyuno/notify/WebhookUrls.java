package com.helloyuno.notify;

import com.helloyuno.net.AddressGuard;
import com.helloyuno.net.AddressRefused;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.site.LeadWebhookRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which webhook URLs Yuno posts to: https (http only where the operator allows it), with a host and
 * no user name, whose every address is a public one. Checked when the URL is saved, and again by
 * the {@link WebhookSender} when it connects.
 */
@Component
class WebhookUrls implements LeadWebhookRule {

    private final boolean allowHttp;
    private final AddressGuard guard;

    @Autowired
    WebhookUrls(NotifySettings settings) {
        this(
                settings.webhooks().allowHttp(),
                new AddressGuard(settings.webhooks().allowPrivateAddresses()));
    }

    WebhookUrls(boolean allowHttp, AddressGuard guard) {
        this.allowHttp = allowHttp;
        this.guard = guard;
    }

    AddressGuard guard() {
        return guard;
    }

    @Override
    public void check(String field, String url) {
        var uri = parse(field, url);
        try {
            guard.allowedAddresses(uri.getHost());
        } catch (AddressRefused e) {
            throw new InvalidRequest(field, "the host resolves to a loopback, private or reserved address");
        } catch (UnknownHostException e) {
            throw new InvalidRequest(field, "the host name does not resolve");
        }
    }

    /** The URL, when its shape is one webhooks may be sent to (its addresses are not checked here). */
    URI parse(String field, String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InvalidRequest(field, "must be a valid URL");
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new InvalidRequest(
                    field, allowHttp ? "must be an https:// or http:// URL" : "must be an https:// URL");
        }
        if (uri.getRawAuthority() == null
                || uri.getHost() == null
                || uri.getHost().isBlank()) {
            throw new InvalidRequest(field, "must be an absolute URL with a host name");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidRequest(field, "must not carry a user name or password");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidRequest(field, "must not have a fragment");
        }
        return uri;
    }
}
