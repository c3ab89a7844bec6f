package com.helloyuno.platform;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@code DATABASE_URL} in the form platforms hand out (Heroku, Render, Railway, Supabase, Neon:
 * {@code postgres://user:password@host:5432/db?sslmode=require}, or {@code postgresql://}) as the
 * JDBC URL and credentials the driver takes. Query parameters such as {@code sslmode} go along
 * as they are: the PostgreSQL driver reads them with the same names.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db?...}, without the credentials
 * @param username from the URL's user info, if any
 * @param password from the URL's user info, if any
 */
record DatabaseUrl(
        String jdbcUrl, @Nullable String username, @Nullable String password) {

    /** Empty for a URL that is already JDBC (or anything else): it is used as it is. */
    static Optional<DatabaseUrl> fromPlatform(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        var text = value.strip();
        var lower = text.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("postgres://") && !lower.startsWith("postgresql://")) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL (expected"
                    + " postgres://user:password@host:5432/database or a jdbc:postgresql:// URL)");
        }
        var host = uri.getHost();
        var path = uri.getRawPath();
        if (host == null || path == null || path.length() < 2) {
            throw new IllegalArgumentException(
                    "DATABASE_URL needs a host and a database: postgres://user:password@host:5432/database");
        }
        var jdbc = new StringBuilder("jdbc:postgresql://")
                .append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                .append(':')
                .append(uri.getPort() == -1 ? 5432 : uri.getPort())
                .append(path);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        String username = null;
        String password = null;
        var userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            var colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        return Optional.of(new DatabaseUrl(jdbc.toString(), username, password));
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The credentials stay out of any log or message. */
    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + "]";
    }
}
