package com.helloyuno.site;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/key}: what the key in the request is, so that a client holding only a key (the
 * owner console at sign-in) knows whether it is the operator's and, for an owner key, its site.
 */
@RestController
@Tag(name = "Sites")
class KeyController {

    @Schema(name = "Key")
    record KeyBody(
            @Schema(allowableValues = {"operator", "owner"}) String role,

            @Schema(description = "The site of an owner key; absent for the operator key") @Nullable
            String siteId) {}

    @GetMapping("/api/key")
    @Operation(
            operationId = "getKey",
            summary = "What this key is",
            description = "The operator key, or an owner key and the one site it reaches.")
    KeyBody key(@AuthenticationPrincipal ApiCaller caller) {
        return caller.isOperator() ? new KeyBody("operator", null) : new KeyBody("owner", caller.ownedSiteId());
    }
}
