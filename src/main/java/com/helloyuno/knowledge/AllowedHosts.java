package com.helloyuno.knowledge;

import java.net.IDN;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The hosts a crawl may visit: the site's domains, and with {@code allowSubdomains} any host below
 * one of them at a label boundary ({@code shop.example.com} under {@code example.com}; never {@code
 * badexample.com} or {@code example.com.evil.net}). Names are compared lower case, in punycode,
 * without a trailing dot.
 */
record AllowedHosts(Set<String> hosts, boolean allowSubdomains) {

    AllowedHosts {
        var normalized = new LinkedHashSet<String>();
        for (var host : hosts) {
            var n = normalize(host);
            if (n != null) {
                normalized.add(n);
            }
        }
        hosts = Set.copyOf(normalized);
    }

    boolean permits(@Nullable String host) {
        var candidate = normalize(host);
        if (candidate == null) {
            return false;
        }
        for (var allowed : hosts) {
            if (candidate.equals(allowed) || allowSubdomains && candidate.endsWith("." + allowed)) {
                return true;
            }
        }
        return false;
    }

    static @Nullable String normalize(@Nullable String host) {
        if (host == null) {
            return null;
        }
        var h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty()) {
            return null;
        }
        try {
            return IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
