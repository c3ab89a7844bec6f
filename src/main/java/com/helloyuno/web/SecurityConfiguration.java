package com.helloyuno.web;

import com.helloyuno.platform.RequestArrival;
import com.helloyuno.problem.Problems;
import com.helloyuno.site.SiteService;
import com.helloyuno.widget.WidgetAuthentication;
import com.helloyuno.widget.WidgetCors;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.CorsFilter;

/**
 * Two filter chains: the owner/operator API (keys, no browsers' cross-origin calls) and
 * everything else (public pages, operations, and the widget endpoints, whose own token filter
 * comes with widget authentication). Both are stateless and write problem documents.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    FilterRegistrationBean<RequestArrival> requestArrival() {
        var registration = new FilterRegistrationBean<>(new RequestArrival());
        // First of all, so that what the service measures from it includes every other filter
        // (tied with Boot's character-encoding filter, which takes microseconds).
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(WebSettings settings) {
        var registration = new FilterRegistrationBean<>(new RequestSizeLimitFilter(settings.maxRequestBody()));
        // Before Spring Security, so an oversized body is refused before any work is done for it.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<WildcardContentTypeFilter> wildcardContentTypeFilter() {
        var registration = new FilterRegistrationBean<>(new WildcardContentTypeFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
        return registration;
    }

    /**
     * The firewall's refusals ({@code //}, {@code ;}, {@code %25}, encoded dots, non-printable
     * characters in a header) as a problem document, without Spring Security's error dispatch.
     */
    /**
     * No Micrometer observation around every security filter of every request: with it on, the
     * decorated filter chain was about a tenth of the CPU of a widget request in the chat
     * benchmark's profile, for traces nobody collects. Requests are still timed as a whole
     * ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings noSecurityFilterObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    RequestRejectedHandler problemOnRejectedRequest() {
        return (request, response, e) -> Problems.write(
                response,
                Problems.of(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "The request's URL or headers contain characters that are not accepted."));
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiChain(HttpSecurity http, WebSettings settings, SiteService sites) throws Exception {
        // Health stays open to probes; with the operator key it shows its components' details.
        http.securityMatcher("/api/**", "/actuator/prometheus", "/actuator/health", "/actuator/health/**")
                .authorizeHttpRequests(auth -> auth.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers("/actuator/prometheus")
                        .hasAuthority(ApiKeyAuthenticationFilter.OPERATOR)
                        .anyRequest()
                        .hasAnyAuthority(ApiKeyAuthenticationFilter.OPERATOR, ApiKeyAuthenticationFilter.OWNER))
                .addFilterBefore(new ApiKeyAuthenticationFilter(settings, sites), AnonymousAuthenticationFilter.class);
        return common(http).build();
    }

    /** {@code /ask} and {@code /widget/leads}: a widget token, the site re-checked on every request. */
    @Bean
    @Order(2)
    SecurityFilterChain widgetChain(HttpSecurity http, WidgetAuthentication authentication, WidgetCors cors)
            throws Exception {
        http.securityMatcher("/ask", "/widget/leads")
                .cors(AbstractHttpConfigurer::disable)
                .addFilterAt(new WidgetCorsFilter(cors), CorsFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().hasAuthority(WidgetTokenFilter.WIDGET))
                .addFilterBefore(new WidgetTokenFilter(authentication, cors), AnonymousAuthenticationFilter.class);
        return common(http).build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain publicChain(HttpSecurity http, WidgetCors cors) throws Exception {
        http.cors(AbstractHttpConfigurer::disable)
                .addFilterAt(new WidgetCorsFilter(cors), CorsFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        return common(http).build();
    }

    private static HttpSecurity common(HttpSecurity http) throws Exception {
        return http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(
                        e -> e.authenticationEntryPoint(unauthorized()).accessDeniedHandler(forbidden()));
    }

    private static AuthenticationEntryPoint unauthorized() {
        return (request, response, e) ->
                ApiKeyAuthenticationFilter.refuse(response, "An API key is required: 'Authorization: Bearer <key>'.");
    }

    private static AccessDeniedHandler forbidden() {
        return (request, response, e) ->
                Problems.write(response, Problems.of(HttpStatus.FORBIDDEN, "forbidden", "This key may not do that."));
    }
}
