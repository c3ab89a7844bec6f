package com.helloyuno.site;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Normalises domains as the contract says: a scheme, port, path, query, trailing dot and upper case
 * are tolerated and removed; internationalised names become punycode. What is left must be a host
 * name (not an IP address). Forms that parsers read differently are refused rather than guessed
 * at: {@code https://evil.com\@a.example.com} is {@code a.example.com} to one URL parser and
 * {@code evil.com} to another (WHATWG reads a {@code \} as {@code /}), so user info ({@code @}
 * anywhere), backslashes, whitespace inside and control characters make the input no domain.
 */
public final class Domains {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MAX_INPUT = 2048;
    /** What a browser's Origin header is: a scheme, a host and an optional port, nothing more. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)(https?)://([a-z0-9.-]+)(?::([0-9]{1,5}))?");

    private Domains() {}

    /** The normalised host name, or empty when the input is not one. */
    public static Optional<String> normalize(String input) {
        if (input == null || input.isBlank() || input.length() > MAX_INPUT) {
            return Optional.empty();
        }
        var host = input.strip();
        if (!unambiguous(host)) {
            return Optional.empty();
        }
        var scheme = SCHEME.matcher(host);
        if (scheme.find()) {
            host = host.substring(scheme.end());
        }
        host = cutAt(host, '/');
        host = cutAt(host, '?');
        host = cutAt(host, '#');
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

    /**
     * The normalised host of a browser's {@code Origin} header, or empty when it is not an {@code
     * http} or {@code https} origin: {@code null} (sandboxed frames, {@code file:} pages), other
     * schemes ({@code file://}, {@code chrome-extension://}) and anything with more than a scheme,
     * a host and a port are not the origin of a web page that a site may allow.
     */
    public static Optional<String> originHost(@Nullable String origin) {
        if (origin == null || origin.length() > MAX_INPUT) {
            return Optional.empty();
        }
        var matcher = ORIGIN.matcher(origin);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        var port = matcher.group(3);
        if (port != null && (Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535)) {
            return Optional.empty();
        }
        return normalize(matcher.group(2));
    }

    /**
     * Whether nothing in the input could be read as two different hosts: no user info, no
     * backslash, no whitespace, control or invisible formatting character (such as a zero-width
     * space, which IDN conversion would silently drop) between its first and last visible character.
     */
    private static boolean unambiguous(String value) {
        for (int i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c == '@'
                    || c == '\\'
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT) {
                return false;
            }
        }
        return true;
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
