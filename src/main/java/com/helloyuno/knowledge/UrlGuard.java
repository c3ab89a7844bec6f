package com.helloyuno.knowledge;

import java.net.Inet4Address;
import java.net.Inet6Address;
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
 * <p>The {@link PageFetcher} connects only to addresses that {@link #allowedAddresses} gave it at
 * connection time, through the same check, so that a name which resolves to a public address for
 * the check and to a private one a moment later (DNS rebinding) is not connected to.
 */
@Component
class UrlGuard {

    private static final List<String> METADATA =
            List.of("169.254.169.254", "fd00:ec2:0:0:0:0:0:254", "100.100.100.200");

    /** Host name to addresses: the system's resolver, or a test's. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Predicate<InetAddress> alsoAllowed;
    private final Resolver resolver;

    @Autowired
    UrlGuard(KnowledgeSettings settings) {
        this(settings.crawler().allowPrivateAddresses(), address -> false);
    }

    /** For tests: the default policy, plus the addresses {@code alsoAllowed} accepts. */
    UrlGuard(boolean allowPrivate, Predicate<InetAddress> alsoAllowed) {
        this(allowPrivate, alsoAllowed, InetAddress::getAllByName);
    }

    /** For tests: as above, with names resolved by {@code resolver}. */
    UrlGuard(boolean allowPrivate, Predicate<InetAddress> alsoAllowed, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.alsoAllowed = alsoAllowed;
        this.resolver = resolver;
    }

    /** Parses a URL that a client gave, refusing what is not an absolute http(s) URL. */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new UrlInvalid("url is not a valid URL.");
        }
        checkScheme(uri);
        return uri;
    }

    static void checkScheme(URI uri) {
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UrlSchemeNotAllowed("Only http and https URLs can be crawled.");
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            throw new UrlInvalid("url must be an absolute URL with a host name.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UrlInvalid("url must not carry a user name or password.");
        }
    }

    /** Refuses the URL unless it is http(s), on an allowed host, and resolves to allowed addresses only. */
    void check(URI uri, AllowedHosts hosts) {
        checkScheme(uri);
        if (!hosts.permits(uri.getHost())) {
            throw new UrlOutsideSite(
                    "The URL's host " + AllowedHosts.normalize(uri.getHost()) + " is not one of the site's domains.");
        }
        try {
            allowedAddresses(AllowedHosts.normalize(uri.getHost()));
        } catch (UnknownHostException e) {
            throw new UrlInvalid("The URL's host name does not resolve.");
        }
    }

    /**
     * The addresses of a host, when every one of them is allowed.
     *
     * @throws AddressNotAllowed when any is not: a name with one private address among public ones
     *     is refused whole, since the connection could go to any of them
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> allowedAddresses(String host) throws UnknownHostException {
        var addresses = resolver.resolve(host);
        if (addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        for (var address : addresses) {
            if (!allowed(address)) {
                throw new AddressNotAllowed("The URL's host resolves to an address the crawler may not reach.");
            }
        }
        return List.of(addresses);
    }

    boolean allowed(InetAddress address) {
        if (isMetadata(address)) {
            return false;
        }
        if (alsoAllowed.test(address)) {
            return true;
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        return allowPrivate || isPublic(address);
    }

    private static boolean isMetadata(InetAddress address) {
        return METADATA.contains(address.getHostAddress().toLowerCase(Locale.ROOT));
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        var b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isPublicV4(b);
        }
        if (address instanceof Inet6Address) {
            var first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // fc00::/7 unique local
                return false;
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false; // 2001:db8::/32 documentation
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) { // 2002::/16 6to4 carries an IPv4 address
                return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]});
            }
            if (isZero(b, 0, 12)) { // ::/96 IPv4-compatible (and ::, ::1 handled above)
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((first == 0x00) && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
            }
            return true;
        }
        return false;
    }

    private static boolean isPublicV4(byte[] b) {
        var a0 = b[0] & 0xff;
        var a1 = b[1] & 0xff;
        var a2 = b[2] & 0xff;
        return !(a0 == 0 // this network
                || a0 == 10
                || a0 == 127
                || a0 == 100 && a1 >= 64 && a1 <= 127 // CGNAT
                || a0 == 169 && a1 == 254
                || a0 == 172 && a1 >= 16 && a1 <= 31
                || a0 == 192 && a1 == 0 && a2 == 0 // IETF protocol assignments
                || a0 == 192 && a1 == 0 && a2 == 2 // documentation
                || a0 == 192 && a1 == 168
                || a0 == 198 && (a1 == 18 || a1 == 19) // benchmarking
                || a0 == 198 && a1 == 51 && a2 == 100
                || a0 == 203 && a1 == 0 && a2 == 113
                || a0 >= 224); // multicast, reserved, broadcast
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
