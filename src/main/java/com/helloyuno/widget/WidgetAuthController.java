package com.helloyuno.widget;

import com.helloyuno.apidoc.ProblemResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /widget/authenticate}, {@code /widget/verify} and {@code /widget/refresh}. */
@RestController
@RequestMapping("/widget")
@Tag(name = "Widget")
class WidgetAuthController {

    /**
     * The seed's curl call ({@code ../shared/seed}, "Test Authentication"), with a site id of the
     * real shape: the seed's {@code test123} is not 16 letters and digits and would answer 400.
     */
    private static final String SEED_AUTHENTICATE = """
            {"site_id": "a1B2c3D4e5F6g7H8", "domain": "example.com", "nonce": "random-nonce"}""";

    private static final String TOKEN = """
            {"token": "eyJraWQiOiJ...", "token_type": "Bearer", "expires_in": 3600,
             "expires_at": "2026-11-26T15:00:00Z", "site_id": "a1B2c3D4e5F6g7H8",
             "widget": {"theme": "dark", "position": "bottom-right", "primary_color": "#FF6B35",
                        "welcome_message": "Hi! How can I help you today?", "bot_name": "Yuno",
                        "lead_capture": true,
                        "limits": {"max_message_chars": 4000, "max_messages": 50, "max_total_chars": 32000}}}""";

    private final WidgetAuthentication authentication;

    WidgetAuthController(WidgetAuthentication authentication) {
        this.authentication = authentication;
    }

    @PostMapping("/authenticate")
    @Operation(
            operationId = "authenticateWidget",
            summary = "Get a widget token",
            description = "Exchanges a site id, the page's domain and a fresh nonce for a token bound to that site"
                    + " and domain. A request with an Origin must come from the same allowed domain. A site that"
                    + " requires verified visitors also needs visitor_id with visitor_hash, or visitor_token.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = WidgetRequests.Authenticate.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "seed",
                                                            summary = "The seed's curl call",
                                                            value = SEED_AUTHENTICATE))))
    @ApiResponse(
            responseCode = "200",
            description = "The token and the widget's settings",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = WidgetRequests.TokenResponse.class),
                            examples =
                                    @ExampleObject(name = "token", summary = "A token for example.com", value = TOKEN)))
    @ProblemResponse(
            status = 403,
            codes = {"domain_not_allowed", "plan_inactive", "widget_disabled", "identity_not_verified"})
    @ProblemResponse(status = 404, codes = "site_not_found")
    @ProblemResponse(status = 409, codes = "nonce_reused")
    @ProblemResponse(status = 429, codes = "rate_limited")
    WidgetRequests.TokenResponse authenticate(
            @Valid @RequestBody WidgetRequests.Authenticate body, HttpServletRequest request) {
        return authentication.authenticate(body, request);
    }

    /** The token comes as {@code Authorization: Bearer}, or else as {@code {"token": ...}}. */
    @PostMapping("/verify")
    @Operation(
            operationId = "verifyWidgetToken",
            summary = "Check a widget token",
            description = "The token as 'Authorization: Bearer <token>', or as {\"token\": ...} in the body.")
    WidgetRequests.VerifyResponse verify(
            @Valid @RequestBody(required = false) WidgetRequests.TokenBody body, HttpServletRequest request) {
        return authentication.verify(token(body, request), request);
    }

    @PostMapping("/refresh")
    @Operation(
            operationId = "refreshWidgetToken",
            summary = "Renew a widget token",
            description = "Accepted while the token is valid or expired by at most the grace period"
                    + " (yuno.widget.refresh-grace), and while its site still serves the token's domain. The token"
                    + " as 'Authorization: Bearer <token>', or as {\"token\": ...} in the body.")
    @ProblemResponse(
            status = 403,
            codes = {"domain_not_allowed", "plan_inactive", "widget_disabled"})
    WidgetRequests.TokenResponse refresh(
            @Valid @RequestBody(required = false) WidgetRequests.TokenBody body, HttpServletRequest request) {
        return authentication.refresh(token(body, request), request);
    }

    private static String token(WidgetRequests.TokenBody body, HttpServletRequest request) {
        var bearer = WidgetAuthentication.bearer(request);
        if (bearer != null) {
            return bearer;
        }
        return body == null ? null : body.token();
    }
}
