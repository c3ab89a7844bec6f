package com.helloyuno.knowledge;

import com.helloyuno.net.AddressGuard;
import com.helloyuno.net.AddressRefused;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides whether the crawler may fetch a URL, before any connection: http or https only, a host
 * of the site, and every address the host resolves to a public one. It runs on the first URL and
 * again on every redirect. Loopback, private (RFC 1918, unique local), link-local, CGNAT, multicast,
 * unspecified, reserved and documentation ranges are refused unless {@code
 * allow-private-addresses} is set (tests); cloud metadata addresses ({@code 169.254.169.254},
 * {@code fd00:ec2::254}) always are.
 *
 * <p>The address policy is the shared {@link AddressGuard}. The {@link PageFetcher} connects only to addresses that {@link #allowedAddresses} gave it at
 * connection time, through the same check, so that a name which resolves to a public address for
 * the check and to a private one a moment later (DNS rebinding) is not connected to.
 */
@Component
class UrlGuard {

    private final AddressGuard addresses;

    @Autowired
    UrlGuard(KnowledgeSettings settings) {
        this(settings.crawler().allowPrivateAddresses(), address -> false);
    }

    /** For tests: the default policy, plus the addresses {@code alsoAllowed} accepts. */
    UrlGuard(boolean allowPrivate, Predicate<InetAddress> alsoAllowed) {
        this(allowPrivate, alsoAllowed, InetAddress::getAllByName);
    }

    /** For tests: as above, with names resolved by {@code resolver}. */
    UrlGuard(boolean allowPrivate, Predicate<InetAddress> alsoAllowed, AddressGuard.Resolver resolver) {
        this.addresses = new AddressGuard(allowPrivate, alsoAllowed, resolver);
    }

    /** Parses a URL that a client gave, refusing what is not an absolute http(s) URL. */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new KnowledgeErrors.UrlInvalid("url is not a valid URL.");
        }
        checkScheme(uri);
        return uri;
    }

    static void checkScheme(URI uri) {
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new KnowledgeErrors.UrlSchemeNotAllowed("Only http and https URLs can be crawled.");
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            throw new KnowledgeErrors.UrlInvalid("url must be an absolute URL with a host name.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new KnowledgeErrors.UrlInvalid("url must not carry a user name or password.");
        }
    }

    /** Refuses the URL unless it is http(s), on an allowed host, and resolves to allowed addresses only. */
    void check(URI uri, AllowedHosts hosts) {
        checkScheme(uri);
        if (!hosts.permits(uri.getHost())) {
            throw new KnowledgeErrors.UrlOutsideSite(
                    "The URL's host " + AllowedHosts.normalize(uri.getHost()) + " is not one of the site's domains.");
        }
        try {
            allowedAddresses(AllowedHosts.normalize(uri.getHost()));
        } catch (UnknownHostException e) {
            throw new KnowledgeErrors.UrlInvalid("The URL's host name does not resolve.");
        }
    }

    /**
     * The addresses of a host, when every one of them is allowed.
     *
     * @throws KnowledgeErrors.AddressNotAllowed when any is not: a name with one private address among public ones
     *     is refused whole, since the connection could go to any of them
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> allowedAddresses(String host) throws UnknownHostException {
        try {
            return addresses.allowedAddresses(host);
        } catch (AddressRefused e) {
            throw new KnowledgeErrors.AddressNotAllowed(
                    "The URL's host resolves to an address the crawler may not reach.");
        }
    }

    boolean allowed(InetAddress address) {
        return addresses.allowed(address);
    }
}
