package com.helloyuno.widget;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /widget/authenticate}, {@code /widget/verify} and {@code /widget/refresh}. */
@RestController
@RequestMapping("/widget")
class WidgetAuthController {

    private final WidgetAuthentication authentication;

    WidgetAuthController(WidgetAuthentication authentication) {
        this.authentication = authentication;
    }

    @PostMapping("/authenticate")
    WidgetRequests.TokenResponse authenticate(
            @Valid @RequestBody WidgetRequests.Authenticate body, HttpServletRequest request) {
        return authentication.authenticate(body, request);
    }

    /** The token comes as {@code Authorization: Bearer}, or else as {@code {"token": ...}}. */
    @PostMapping("/verify")
    WidgetRequests.VerifyResponse verify(
            @Valid @RequestBody(required = false) WidgetRequests.TokenBody body, HttpServletRequest request) {
        return authentication.verify(token(body, request), request);
    }

    @PostMapping("/refresh")
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
