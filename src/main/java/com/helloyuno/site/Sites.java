package com.helloyuno.site;

import com.helloyuno.plan.PlanType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The {@code sites} table. */
@Repository
class Sites {

    private static final String COLUMNS = "site_id, domain, additional_domains, allow_subdomains, user_id, plan_type,"
            + " plan_active, widget_enabled, theme, custom_config::text AS custom_config, identity_required,"
            + " language, created_at, updated_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<Site> rowMapper = this::map;

    Sites(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts the site; false when its site id is taken already. */
    boolean insert(Site site, String ownerKeyHash) {
        return jdbc.sql("""
                        INSERT INTO sites (site_id, domain, additional_domains, allow_subdomains, user_id, plan_type,
                                           plan_active, widget_enabled, theme, custom_config, owner_key_hash,
                                           owner_key_rotated_at, language, text_search_config, created_at,
                                           updated_at)
                        VALUES (:siteId, :domain, :additionalDomains, :allowSubdomains, :userId, :planType,
                                :planActive, :widgetEnabled, :theme, :customConfig::jsonb, :ownerKeyHash,
                                :createdAt, :language, :textSearchConfig::regconfig, :createdAt, :updatedAt)
                        ON CONFLICT (site_id) DO NOTHING
                        """)
                        .params(fields(site))
                        .param("ownerKeyHash", ownerKeyHash)
                        .update()
                == 1;
    }

    /** The columns of a site as named parameters, shared by insert and update. */
    private Map<String, Object> fields(Site site) {
        var fields = new HashMap<String, Object>();
        fields.put("siteId", site.siteId());
        fields.put("domain", site.domain());
        fields.put("additionalDomains", site.additionalDomains().toArray(String[]::new));
        fields.put("allowSubdomains", site.allowSubdomains());
        fields.put("userId", site.userId());
        fields.put("planType", site.planType().wireName());
        fields.put("planActive", site.planActive());
        fields.put("widgetEnabled", site.widgetEnabled());
        fields.put("theme", site.theme().wireName());
        fields.put("customConfig", json.writeValueAsString(site.customConfig()));
        fields.put("identityRequired", site.identityRequired());
        fields.put("language", site.language() == null ? null : site.language().code());
        fields.put(
                "textSearchConfig",
                site.language() == null
                        ? SiteLanguage.NO_LANGUAGE_CONFIG
                        : site.language().textSearchConfig());
        fields.put("createdAt", java.sql.Timestamp.from(site.createdAt()));
        fields.put("updatedAt", java.sql.Timestamp.from(site.updatedAt()));
        return fields;
    }

    Optional<Site> find(String siteId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sites WHERE site_id = :siteId")
                .param("siteId", siteId)
                .query(rowMapper)
                .optional();
    }

    Optional<String> findSiteIdByOwnerKeyHash(String hash) {
        return jdbc.sql("SELECT site_id FROM sites WHERE owner_key_hash = :hash")
                .param("hash", hash)
                .query(String.class)
                .optional();
    }

    List<Site> page(int page, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sites ORDER BY created_at, site_id LIMIT :size OFFSET :offset")
                .param("size", size)
                .param("offset", (long) page * size)
                .query(rowMapper)
                .list();
    }

    /** The oldest site whose main domain is this one. */
    Optional<Site> firstWithDomain(String domain) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sites WHERE domain = :domain ORDER BY created_at, site_id LIMIT 1")
                .param("domain", domain)
                .query(rowMapper)
                .optional();
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM sites").query(Long.class).single();
    }

    void update(Site site) {
        jdbc.sql("""
                        UPDATE sites SET domain = :domain, additional_domains = :additionalDomains,
                               allow_subdomains = :allowSubdomains, user_id = :userId, plan_type = :planType,
                               plan_active = :planActive, widget_enabled = :widgetEnabled, theme = :theme,
                               custom_config = :customConfig::jsonb, identity_required = :identityRequired,
                               language = :language, text_search_config = :textSearchConfig::regconfig,
                               updated_at = :updatedAt
                        WHERE site_id = :siteId
                        """).params(fields(site)).update();
    }

    /** Whether an active site with its widget enabled allows this host (a domain, or a subdomain of one). */
    boolean anyServingSiteAllows(String host, List<String> candidates) {
        return jdbc
                .sql(
                        "SELECT " + COLUMNS + " FROM sites WHERE plan_active AND widget_enabled"
                                + " AND (domain = ANY(CAST(:candidates AS text[])) OR additional_domains && CAST(:candidates AS text[])) LIMIT 50")
                .param("candidates", candidates.toArray(String[]::new))
                .query(rowMapper)
                // list(), not stream(): a JdbcClient stream holds its connection until it is closed.
                .list()
                .stream()
                .anyMatch(site -> site.allowsHost(host));
    }

    java.util.Optional<String> identitySecret(String siteId) {
        return jdbc.sql("SELECT identity_secret FROM sites WHERE site_id = :siteId AND identity_secret IS NOT NULL")
                .param("siteId", siteId)
                .query(String.class)
                .optional();
    }

    boolean replaceIdentitySecret(String siteId, String secret) {
        return jdbc.sql("UPDATE sites SET identity_secret = :secret, updated_at = now() WHERE site_id = :siteId")
                        .param("siteId", siteId)
                        .param("secret", secret)
                        .update()
                == 1;
    }

    Optional<String> webhookSecret(String siteId) {
        return jdbc.sql("SELECT webhook_secret FROM sites WHERE site_id = :siteId AND webhook_secret IS NOT NULL")
                .param("siteId", siteId)
                .query(String.class)
                .optional();
    }

    /** Stores a new webhook secret; with {@code onlyIfNone}, only when the site has none yet. */
    boolean replaceWebhookSecret(String siteId, String secret, boolean onlyIfNone) {
        return jdbc.sql("UPDATE sites SET webhook_secret = :secret WHERE site_id = :siteId"
                                + (onlyIfNone ? " AND webhook_secret IS NULL" : ""))
                        .param("siteId", siteId)
                        .param("secret", secret)
                        .update()
                == 1;
    }

    boolean replaceOwnerKeyHash(String siteId, String hash) {
        return jdbc.sql("UPDATE sites SET owner_key_hash = :hash, owner_key_rotated_at = now() WHERE site_id = :siteId")
                        .param("siteId", siteId)
                        .param("hash", hash)
                        .update()
                == 1;
    }

    /** Deletes the site; the foreign keys cascade to every row of its data. */
    boolean delete(String siteId) {
        return jdbc.sql("DELETE FROM sites WHERE site_id = :siteId")
                        .param("siteId", siteId)
                        .update()
                == 1;
    }

    private Site map(ResultSet rs, int row) throws SQLException {
        var additional = (String[]) rs.getArray("additional_domains").getArray();
        return new Site(
                rs.getString("site_id"),
                rs.getString("domain"),
                Arrays.asList(additional),
                rs.getBoolean("allow_subdomains"),
                rs.getString("user_id"),
                PlanType.fromWireName(rs.getString("plan_type")),
                rs.getBoolean("plan_active"),
                rs.getBoolean("widget_enabled"),
                Theme.fromWireName(rs.getString("theme")),
                readConfig(rs.getString("custom_config")),
                rs.getBoolean("identity_required"),
                rs.getString("language") == null
                        ? null
                        : SiteLanguage.fromCode(rs.getString("language")).orElse(null),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    /** Stored configs may predate a field: what is missing takes the default. */
    private CustomConfig readConfig(String stored) {
        var defaults = CustomConfig.DEFAULTS;
        var node = json.readTree(stored);
        return new CustomConfig(
                node.hasNonNull("welcome_message") ? node.get("welcome_message").asString() : defaults.welcomeMessage(),
                node.hasNonNull("primary_color") ? node.get("primary_color").asString() : defaults.primaryColor(),
                node.hasNonNull("position")
                        ? json.treeToValue(node.get("position"), WidgetPosition.class)
                        : defaults.position(),
                node.hasNonNull("bot_name") ? node.get("bot_name").asString() : defaults.botName(),
                node.hasNonNull("system_prompt") ? node.get("system_prompt").asString() : null,
                node.hasNonNull("lead_capture") ? node.get("lead_capture").asBoolean() : defaults.leadCapture(),
                node.hasNonNull("lead_webhook_url")
                        ? node.get("lead_webhook_url").asString()
                        : null,
                node.hasNonNull("lead_notification_email")
                        ? node.get("lead_notification_email").asString()
                        : null);
    }
}
