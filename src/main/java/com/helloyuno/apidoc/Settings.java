package com.helloyuno.apidoc;

import java.lang.reflect.InvocationTargetException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.context.ApplicationContext;

/**
 * The values of the typed settings ({@code @ConfigurationProperties} records) of this application
 * context, by the names application.yaml gives them. Read from the bound records themselves, so
 * that defaults that live in {@code @DefaultValue} count as much as what the environment sets.
 */
final class Settings {

    private final ApplicationContext context;

    Settings(ApplicationContext context) {
        this.context = context;
    }

    /**
     * @param name e.g. {@code yuno.chat.max-page-size} or {@code yuno.knowledge.crawler.max-pages-limit}
     * @throws IllegalStateException when no settings record holds it
     */
    int intValue(String name) {
        for (var bean : ConfigurationPropertiesBean.getAll(context).values()) {
            var prefix = bean.getAnnotation().prefix().isEmpty()
                    ? bean.getAnnotation().value()
                    : bean.getAnnotation().prefix();
            if (!name.startsWith(prefix + ".")) {
                continue;
            }
            var value = walk(bean.getInstance(), name.substring(prefix.length() + 1));
            if (value instanceof Number number) {
                return number.intValue();
            }
        }
        throw new IllegalStateException("No setting named " + name);
    }

    /** Follows {@code crawler.max-pages-limit} through the records' components. */
    private static @Nullable Object walk(Object settings, String path) {
        Object current = settings;
        for (var segment : path.split("\\.")) {
            if (current == null || !current.getClass().isRecord()) {
                return null;
            }
            var component = java.util.Arrays.stream(current.getClass().getRecordComponents())
                    .filter(c -> c.getName().equals(camelCase(segment)))
                    .findFirst()
                    .orElse(null);
            if (component == null) {
                return null;
            }
            try {
                var accessor = component.getAccessor();
                // Settings records are package-private in their features.
                accessor.setAccessible(true);
                current = accessor.invoke(current);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("Cannot read the setting " + path, e);
            }
        }
        return current;
    }

    private static String camelCase(String kebab) {
        var out = new StringBuilder();
        var upper = false;
        for (var c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
