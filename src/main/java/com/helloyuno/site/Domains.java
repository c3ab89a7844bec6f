package com.helloyuno.site;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises domains as the contract says: a scheme, user info, port, path, query, trailing dot
 * and upper case are tolerated and removed; internationalised names become punycode. What is left
 * must be a host name (not an IP address).
 */
public final class Domains {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MAX_INPUT = 2048;

    private Domains() {}

    /** The normalised host name, or empty when the input is not one. */
    public static Optional<String> normalize(String input) {
        if (input == null || input.isBlank() || input.length() > MAX_INPUT) {
            return Optional.empty();
        }
        var host = input.strip();
        var scheme = SCHEME.matcher(host);
        if (scheme.find()) {
            host = host.substring(scheme.end());
        }
        host = cutAt(host, '/');
        host = cutAt(host, '?');
        host = cutAt(host, '#');
        var at = host.lastIndexOf('@');
        if (at >= 0) {
            host = host.substring(at + 1);
        }
        if (host.startsWith("[")) {
            return Optional.empty(); // an IPv6 literal is not a domain
        }
        var colon = host.indexOf(':');
        if (colon >= 0) {
            var port = host.substring(colon + 1);
            if (!port.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return isHostName(ascii) ? Optional.of(ascii) : Optional.empty();
    }

    /** Whether an already normalised name is a host name: labels of letters, digits and hyphens. */
    static boolean isHostName(String ascii) {
        if (ascii.length() > 253 || IPV4.matcher(ascii).matches()) {
            return false;
        }
        var labels = ascii.split("\\.", -1);
        if (labels.length < 2 && !ascii.equals("localhost")) {
            return false;
        }
        for (var label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // The top-level label is never all digits.
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /**
     * Whether {@code host} is {@code domain} or, when subdomains are allowed, a subdomain of it at
     * a label boundary ({@code shop.example.com} of {@code example.com}; never {@code
     * badexample.com}). Both must be normalised.
     */
    public static boolean matches(String host, String domain, boolean allowSubdomains) {
        return host.equals(domain) || (allowSubdomains && host.endsWith("." + domain));
    }

    private static String cutAt(String value, char c) {
        var i = value.indexOf(c);
        return i >= 0 ? value.substring(0, i) : value;
    }
}
