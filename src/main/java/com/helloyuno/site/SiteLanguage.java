package com.helloyuno.site;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * The language a site's knowledge is written in, by its ISO 639-1 code, and the PostgreSQL text
 * search configuration that stems it and drops its stop words. A site that names none is indexed
 * with {@code simple} (words as written, lower-cased), which suits any language. These are the
 * configurations PostgreSQL 15 and later ship with.
 */
public enum SiteLanguage {
    AR("arabic"),
    CA("catalan"),
    DA("danish"),
    DE("german"),
    EL("greek"),
    EN("english"),
    ES("spanish"),
    EU("basque"),
    FI("finnish"),
    FR("french"),
    GA("irish"),
    HI("hindi"),
    HU("hungarian"),
    HY("armenian"),
    ID("indonesian"),
    IT("italian"),
    LT("lithuanian"),
    NE("nepali"),
    NL("dutch"),
    NO("norwegian"),
    PT("portuguese"),
    RO("romanian"),
    RU("russian"),
    SR("serbian"),
    SV("swedish"),
    TA("tamil"),
    TR("turkish"),
    YI("yiddish");

    /** The configuration of a site that names no language. */
    public static final String NO_LANGUAGE_CONFIG = "simple";

    private final String textSearchConfig;

    SiteLanguage(String textSearchConfig) {
        this.textSearchConfig = textSearchConfig;
    }

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String textSearchConfig() {
        return textSearchConfig;
    }

    static Optional<SiteLanguage> fromCode(String code) {
        for (var language : values()) {
            if (language.code().equals(code)) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }
}
